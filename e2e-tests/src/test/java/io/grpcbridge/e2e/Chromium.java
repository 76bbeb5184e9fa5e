package io.grpcbridge.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;

/**
 * Debian's Chromium, headless, driven by Playwright: the browser the page tests share, one per test
 * class ({@code @RegisterExtension static final Chromium chromium = Chromium.perClass();}: launched
 * before the class's tests, closed after them), a fresh context per test.
 */
final class Chromium implements BeforeAllCallback, AfterAllCallback {

    private static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    private Playwright playwright;
    private Browser browser;

    private Chromium() {
    }

    static Chromium perClass() {
        return new Chromium();
    }

    /**
     * Launches it, with Playwright's assertions waiting up to 15 s. Without the chromium package the
     * test class is skipped, or fails on CI.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (!Files.isExecutable(EXECUTABLE)) {
            String missing = EXECUTABLE + " is missing: the browser tests need Debian's chromium package";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(missing);
            }
            Assumptions.abort(missing);
        }
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    /** A new context (its own cookies, storage and pages) in {@code locale}, with a viewport of that size. */
    BrowserContext newContext(String locale, int width, int height) {
        return browser.newContext(new Browser.NewContextOptions().setLocale(locale).setViewportSize(width, height));
    }

    /** Closes the browser and Playwright's driver (also after a launch that failed). */
    @Override
    public void afterAll(ExtensionContext context) {
        if (playwright != null) {
            playwright.close();
        }
    }
}
