package io.grpcbridge.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package map of docs/architecture.md holds for the compiled classes: every class is in one of
 * its packages, no package uses one above it, only {@code internals} touches a framework's
 * internals, and the gateway knows no contract of its own (nothing of chat-core).
 */
class ArchitectureTest {

    /** Bottom to top: a package may use its own classes and those of the packages before it. */
    static final List<String> PACKAGES = List.of("config", "internals", "json", "backend", "socket", "admission", "endpoint",
            "v1", "ops");
    private static final String GATEWAY = "io.grpcbridge.gateway";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(GATEWAY);

    /**
     * Framework classes that are not their public API: Vert.x's and others' {@code impl} and
     * {@code internal} packages, Quarkus extensions' {@code runtime} packages (not
     * {@code io.quarkus.runtime}, Quarkus's own API), and grpc-java's {@code Internal*} classes.
     */
    static final DescribedPredicate<JavaClass> FRAMEWORK_INTERNAL = DescribedPredicate.describe("are framework internals",
            type -> !type.getPackageName().startsWith(GATEWAY) && isInternal(type));

    @Test
    void everyClassIsInAPackageOfTheMap() {
        classes().should().resideInAnyPackage(PACKAGES.stream().map(name -> GATEWAY + "." + name).toArray(String[]::new))
                .check(CLASSES);
    }

    @Test
    void noPackageUsesOneAboveIt() {
        for (int i = 0; i < PACKAGES.size() - 1; i++) {
            String[] above = PACKAGES.subList(i + 1, PACKAGES.size()).stream().map(name -> GATEWAY + "." + name).toArray(String[]::new);
            noClasses().that().resideInAPackage(GATEWAY + "." + PACKAGES.get(i))
                    .should().dependOnClassesThat().resideInAnyPackage(above)
                    .because(PACKAGES.get(i) + " is below " + String.join(", ", PACKAGES.subList(i + 1, PACKAGES.size())))
                    .check(CLASSES);
        }
    }

    @Test
    void onlyInternalsTouchesFrameworkInternals() {
        noClasses().that().resideOutsideOfPackage(GATEWAY + ".internals")
                .should().dependOnClassesThat(FRAMEWORK_INTERNAL)
                .check(CLASSES);
    }

    @Test
    void theGatewayKnowsNoContractOfItsOwn() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.grpcbridge.chat..").check(CLASSES);
    }

    @Test
    void theArchitectureDocumentMapsThesePackagesInThisOrder() throws IOException {
        String architecture = Files.readString(Path.of("..", "docs", "architecture.md"));
        int map = architecture.indexOf("## The gateway's packages");
        Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(architecture.substring(map, architecture.indexOf("\n## ", map)));
        List<String> documented = row.results().map(match -> match.group(1)).toList();

        assertThat(documented).as("the package map at the top of docs/architecture.md, bottom to top").isEqualTo(PACKAGES);
    }

    private static boolean isInternal(JavaClass type) {
        String name = type.getPackageName();
        return name.matches(".*\\.(impl|internal)(\\..*)?")
                || name.startsWith("io.quarkus.") && !name.startsWith("io.quarkus.runtime") && name.matches(".*\\.runtime(\\..*)?")
                || name.startsWith("io.grpc") && type.getSimpleName().startsWith("Internal");
    }
}
