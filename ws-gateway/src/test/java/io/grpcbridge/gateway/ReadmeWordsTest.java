package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * The README speaks to the people who use the product: about their machine, their setup, and what
 * is verified how; never about the machine, build environment or program this project was made
 * with or from (docs/origins.md is where the history goes).
 */
class ReadmeWordsTest {

    /** Phrases that only make sense to whoever wrote the project. */
    private static final List<String> ABOUT_ITS_MAKING = List.of(
            "this machine", "these machines", "this environment", "the seed", "seed's", "mirror",
            "sandbox", "measured here", "built here", "run here", "runs here", "verified here", "not run here");

    @Test
    void theReadmeNamesNoBuildMachineMirrorOrSeed() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md")).toLowerCase(Locale.ROOT);

        assertThat(ABOUT_ITS_MAKING).filteredOn(readme::contains).as("phrases about the project's own making").isEmpty();
    }
}
