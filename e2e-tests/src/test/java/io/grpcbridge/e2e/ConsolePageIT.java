package io.grpcbridge.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;

import io.grpcbridge.testing.TestTokens;

/**
 * The console page ({@code /console/}), in a real Chromium, against the packaged pair with the
 * gateway also bridging the showcase service: any method, driven by hand, frame by frame.
 */
class ConsolePageIT {

    /** Where the tests open the console ({@code /console} redirects there). */
    private static final String CONSOLE_PATH = "console/";
    private static final List<String> METHODS = List.of("chat.Chat/BidStream", "showcase.Showcase/Converse",
            "showcase.Showcase/Count", "showcase.Showcase/Echo", "showcase.Showcase/Sum");

    /** A network between one test's page and the gateway that the test can take away (an allowed origin of the gateway). */
    private static final CuttableProxy network = CuttableProxy.to(() -> ConsolePageIT.pair.gateway().port());
    /** Authentication is off, as by default; a token the page sends still names the caller. */
    @RegisterExtension
    static final Pair pair = Pair.perClassWithShowcase(gatewayOptions());
    @RegisterExtension
    static final Chromium chromium = Chromium.perClass();

    private BrowserContext context;
    private final List<String> sentFrames = new CopyOnWriteArrayList<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

    @AfterAll
    static void closeTheNetwork() throws IOException {
        network.close();
    }

    @AfterEach
    void closeTheContext() {
        if (context != null) {
            context.close();
        }
        assertEquals(List.of(), pageErrors, "uncaught errors in the page");
        assertEquals(List.of(), consoleErrors, "errors on the browser's console (a CSP violation would be one)");
    }

    @Test
    void theMethodListShowsEveryExposedMethodGroupedByServiceWithItsKind() {
        ConsolePage console = open();

        assertThat(console.services()).hasCount(2);
        assertThat(console.services().locator("h3")).hasText(new String[] {"chat.Chat", "showcase.Showcase"});
        assertThat(console.methods().locator(".method-name")).hasText(new String[] {"BidStream", "Converse", "Count", "Echo", "Sum"});
        assertThat(console.methods().locator(".kind"))
                .hasText(new String[] {"bidirectional", "bidirectional", "server streaming", "unary", "client streaming"});
        for (String method : METHODS) {
            assertThat(console.method(method)).isVisible();
        }
        assertThat(console.services().nth(0).getByTestId("method")).hasCount(1);
        assertThat(console.services().nth(1).getByTestId("method")).hasCount(4);
        assertThat(console.methodsStatus).isHidden();
        // Nothing chosen yet: nothing to open.
        assertThat(console.methodTitle).hasText("Choose a method");
        assertThat(console.editor).isDisabled();
        assertThat(console.open).isDisabled();
        assertThat(console.send).isDisabled();
        assertThat(console.callState).hasText("No call");
        // The session opens with the first call, not with the page.
        assertThat(console.sessionState).hasAttribute("data-state", "none");
        assertThat(console.sessionState).hasText("No session");
    }

    @Test
    void echoSendsTheEditedTemplateOnANewSessionAndShowsTheHeadersTheEchoAndTheOkStatus() throws Exception {
        ConsolePage console = open();

        console.choose("showcase.Showcase/Echo");

        JsonObject template = methodListed("showcase.Showcase/Echo").getAsJsonObject("requestTemplate");
        assertEquals(template, JsonParser.parseString(console.editor.inputValue()), "the editor holds the request template");
        assertThat(console.editor).hasValue(Pattern.compile("^\\{\\n  \"int32Value\": 0,\\n"));
        assertThat(console.methodKind).hasText("unary");
        assertThat(console.requestType).hasText("showcase.Everything");
        assertThat(console.responseType).hasText("showcase.Everything");
        assertThat(console.method("showcase.Showcase/Echo")).hasAttribute("aria-pressed", "true");
        assertThat(console.endInput).isHidden();

        // A person edits a field of the template; the rest goes as the template has it.
        JsonObject request = JsonParser.parseString(console.editor.inputValue()).getAsJsonObject();
        request.addProperty("stringValue", "hello from the console");
        request.addProperty("int64Value", "9007199254740993");
        String edited = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(request);
        console.openCall();
        assertThat(console.sessionState).hasAttribute("data-state", "open");
        assertThat(console.sessionState).hasText("Connected");
        assertThat(console.sessionDetail).hasText("session 1");
        assertThat(console.method("showcase.Showcase/Echo")).isDisabled();
        assertThat(console.methodsLocked).isVisible();
        console.send(edited);

        console.awaitStatus("OK");
        assertEquals(List.of("session", "call", "open", "sent", "headers", "message", "status"), console.kinds());
        assertThat(console.sessionEntries("new").locator(".entry-label")).hasText("Session 1");
        assertThat(console.sessionEntries("new"))
                .containsText("ws://127.0.0.1:" + pair.gateway().port() + "/session?client=");
        assertThat(console.entries("call")).containsText("unary · call 1 of session 1");
        assertEquals("hello from the console", console.json("sent", 0).get("stringValue").getAsString());
        assertEquals("unary", console.json("headers", 0).get("x-showcase-kind").getAsString());
        JsonObject echoed = console.json("message", 0);
        assertEquals("hello from the console", echoed.get("stringValue").getAsString());
        assertEquals("9007199254740993", echoed.get("int64Value").getAsString(), "64-bit integers stay exact, as strings");
        assertThat(console.entries("status")).hasAttribute("data-outcome", "ok");
        assertThat(console.entries("status").locator(".entry-label")).hasText("Status · OK");
        assertThat(console.bodies("status")).containsText("x-showcase-trailer");
        assertThat(console.bodies("status")).containsText("done");
        assertThat(console.callState).hasAttribute("data-state", "ended");
        assertThat(console.callDetail).hasText("OK");
        // The call is over, its session is not.
        assertThat(console.sessionState).hasAttribute("data-state", "open");
        assertThat(console.send).isDisabled();
        assertThat(console.cancel).isDisabled();
        assertThat(console.open).isEnabled();
        assertThat(console.method("showcase.Showcase/Converse")).isEnabled();

        await().atMost(Duration.ofSeconds(5)).until(() -> framesSent("message").size() == 1);
        assertEquals(json("{\"call\":1,\"open\":\"showcase.Showcase/Echo\",\"credit\":32}"), json(sentFrames.get(0)),
                "the session's first frame opens the call");
        JsonObject frame = framesSent("message").get(0);
        assertEquals(List.of("call", "seq", "message"), List.copyOf(frame.keySet()));
        assertEquals(1, frame.get("seq").getAsInt());
        assertEquals(request, frame.getAsJsonObject("message"));
    }

    @Test
    void converseByHandAnswersEachLineAfterItsSendAndEndInputEndsTheCallOk() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Converse");
        assertThat(console.methodKind).hasText("bidirectional");
        assertThat(console.editor).hasValue("{\n  \"text\": \"\"\n}");
        assertThat(console.send).isDisabled();
        assertThat(console.endInput).isDisabled();

        console.openCall();
        assertThat(console.endInput).isEnabled();
        List<String> lines = List.of("first line", "zweite Zeile, straße", "第三行 third");
        for (int i = 0; i < lines.size(); i++) {
            assertThat(console.entries("message")).hasCount(i);
            console.send("{\"text\": \"" + lines.get(i) + "\"}");
            assertThat(console.entries("message")).hasCount(i + 1);
            assertEquals(lines.get(i).toUpperCase(Locale.ROOT), console.json("message", i).get("text").getAsString());
            assertThat(console.callState).hasAttribute("data-state", "open");
            assertThat(console.send).isEnabled();
        }

        console.endInput.click();

        console.awaitStatus("OK");
        List<String> kinds = new ArrayList<>(console.kinds());
        int headers = kinds.indexOf("headers");
        assertTrue(headers >= 0 && headers < kinds.indexOf("message"), "headers before the first message: " + kinds);
        kinds.remove("headers");
        assertEquals(List.of("session", "call", "open", "sent", "message", "sent", "message", "sent", "message", "end", "status"), kinds);
        assertThat(console.entries("end")).containsText("{\"end\": true}");
        assertThat(console.send).isDisabled();
        assertThat(console.endInput).isDisabled();
        assertThat(console.open).isEnabled();
        await().atMost(Duration.ofSeconds(5)).until(() -> framesSent("end").size() == 1);
        // Every frame about the call (the acknowledgements left out): open, three lines, end, numbered in order.
        assertEquals(List.of("open", "1", "2", "3", "4"), framesSent(null).stream()
                .map(frame -> frame.has("open") ? "open" : frame.get("seq").getAsString()).toList());
        assertEquals(json("{\"call\":1,\"seq\":4,\"end\":true}"), framesSent("end").get(0));
        console.page.mouse().move(0, 0);
        console.page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "console.png")));
    }

    @Test
    void countWithCountThreeShowsThreeMessagesThenOk() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Count");
        assertThat(console.methodKind).hasText("server streaming");
        assertThat(console.endInput).isHidden();

        console.openCall();
        console.send("{\"count\": 3}");

        console.awaitStatus("OK");
        assertThat(console.entries("message")).hasCount(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(String.valueOf(i), console.json("message", i).get("index").getAsString());
        }
        assertThat(console.entries("message").locator(".entry-label")).hasText(new String[] {"Message 1", "Message 2", "Message 3"});
        List<String> kinds = console.kinds();
        assertEquals(List.of("session", "call", "open", "sent", "headers", "message", "message", "message", "status"), kinds);
        assertThat(console.transcriptNote).isHidden();
    }

    @Test
    void sumAddsTheNumbersSentOneByOneAndAnswersTheTotalAfterEndInput() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Sum");
        assertThat(console.methodKind).hasText("client streaming");
        assertThat(console.editor).hasValue("{\n  \"value\": \"0\",\n  \"padding\": \"\"\n}");

        console.openCall();
        console.send("{\"value\": \"2\"}");
        assertThat(console.entries("sent")).hasCount(1);
        console.send("{\"value\": 40}");
        assertThat(console.entries("sent")).hasCount(2);
        assertThat(console.entries("message")).hasCount(0);
        assertThat(console.send).isEnabled();
        console.endInput.click();

        console.awaitStatus("OK");
        assertThat(console.entries("message")).hasCount(1);
        JsonObject total = console.json("message", 0);
        assertEquals("42", total.get("sum").getAsString());
        assertEquals("2", total.get("count").getAsString());
    }

    @Test
    void badJsonInTheEditorShowsALocalErrorAndSendsNothing() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Converse");
        console.openCall();

        console.send("{\"text\": \"unterminated");

        assertThat(console.editorError).isVisible();
        assertThat(console.editorError).containsText("not valid JSON");
        assertThat(console.editor).hasAttribute("aria-invalid", "true");
        assertThat(console.editor).isFocused();
        assertThat(console.editor).hasAccessibleErrorMessage(Pattern.compile("not valid JSON"));

        console.send("[1, 2]");
        assertThat(console.editorError).containsText("a request message is a JSON object");

        assertThat(console.entries("sent")).hasCount(0);
        assertThat(console.callState).hasAttribute("data-state", "open");
        assertThat(console.send).isEnabled();

        // Fixing the text clears the error; the fixed request goes, and it is the only frame sent.
        console.editor.fill("{\"text\": \"fixed\"}");
        assertThat(console.editorError).isHidden();
        assertThat(console.editor).not().hasAttribute("aria-invalid", "true");
        console.send.click();
        assertThat(console.bodies("message")).hasCount(1);
        assertEquals("FIXED", console.json("message", 0).get("text").getAsString());
        await().atMost(Duration.ofSeconds(5)).until(() -> !framesSent("message").isEmpty());
        assertEquals(List.of(json("{\"call\":1,\"seq\":1,\"message\":{\"text\":\"fixed\"}}")), framesSent("message"));
        console.cancel.click();
        console.awaitStatus("CANCELLED");
    }

    @Test
    void aMessageTheGatewayRefusesShowsAnErrorFrameAndTheCallGoesOn() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Converse");
        console.openCall();

        console.send("{\"nope\": 1}");

        assertThat(console.entries("error")).hasCount(1);
        assertThat(console.entries("error").locator(".entry-label")).hasText("Error frame · INVALID_ARGUMENT");
        assertThat(console.entries("error")).hasAttribute("data-call", "1");
        assertThat(console.bodies("error")).containsText("nope");
        assertThat(console.callState).hasAttribute("data-state", "open");
        assertThat(console.send).isEnabled();
        console.send("{\"text\": \"still here\"}");
        assertThat(console.entries("message")).hasCount(1);
        assertEquals("STILL HERE", console.json("message", 0).get("text").getAsString());
        assertThat(console.entries("status")).hasCount(0);
        console.endInput.click();
        console.awaitStatus("OK");
    }

    @Test
    void theOneRequestOfAUnaryCallThatTheGatewayRefusesCanBeCorrectedOnTheSameCall() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Echo");
        console.openCall();

        console.send("{\"nope\": 1}");

        assertThat(console.entries("error")).hasCount(1);
        assertThat(console.bodies("error")).containsText("nope");
        // The gateway did not take it and waits for the one message: Send works again.
        assertThat(console.send).isEnabled();
        assertThat(console.callState).hasAttribute("data-state", "open");
        console.send("{\"stringValue\": \"second try\", \"failWith\": \"NOT_FOUND\"}");

        console.awaitStatus("NOT_FOUND");
        assertThat(console.entries("status")).hasAttribute("data-outcome", "failed");
        assertThat(console.bodies("status")).containsText("asked to fail");
        assertThat(console.bodies("status")).containsText("failed"); // the x-showcase-trailer
        assertThat(console.entries("message")).hasCount(0);
        // A failed call ends the call, not the session.
        assertThat(console.sessionState).hasAttribute("data-state", "open");
        assertEquals(List.of("session", "call", "open", "sent", "error", "sent", "status"),
                console.kinds().stream().filter(kind -> !kind.equals("headers")).toList());
    }

    @Test
    void cancelEndsAnOpenCallAsCancelledAndAnotherCallGoesOnTheSameSession() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Converse");
        console.openCall();
        console.send("{\"text\": \"one\"}");
        assertThat(console.entries("message")).hasCount(1);

        console.cancel.click();

        console.awaitStatus("CANCELLED");
        assertThat(console.entries("status")).hasAttribute("data-outcome", "cancelled");
        assertThat(console.callState).hasAttribute("data-state", "ended");
        assertThat(console.send).isDisabled();
        assertEquals(List.of(json("{\"call\":1,\"seq\":2,\"cancel\":true}")), framesSent("cancel"));

        // A new call of another method, its entries after the first call's.
        console.choose("showcase.Showcase/Count");
        console.openCall();
        console.send("{\"count\": 1}");
        assertThat(console.entries("status")).hasCount(2);
        assertThat(console.entries("status").nth(1)).hasAttribute("data-code", "OK");
        assertThat(console.transcript.locator("li[data-call='2']").first()).containsText("Call 2 · showcase.Showcase/Count");
        assertThat(console.transcript.locator("li[data-call='2'][data-kind=message]")).hasCount(1);
        assertThat(console.entries("call").nth(1)).containsText("server streaming · call 2 of session 1");
        assertThat(console.entries("session")).hasCount(1);
        assertEquals(1, sessionSockets().size(), "one WebSocket for both calls: " + requested);
    }

    @Test
    void aServerStreamOfOneHundredThousandMessagesKeepsTheTranscriptToItsLastThousandEntries() {
        ConsolePage console = open("", false);
        console.choose("showcase.Showcase/Count");
        console.openCall();
        long started = System.nanoTime();

        console.send("{\"count\": 100000}");

        assertThat(console.entries("status")).hasAttribute("data-code", "OK",
                new LocatorAssertions.HasAttributeOptions().setTimeout(180_000));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(console.transcript.locator("li")).hasCount(1000);
        assertThat(console.transcriptNote).isVisible();
        // session, call, open, sent, headers, 100,000 messages, status
        assertThat(console.transcriptNote).hasText("Showing the last 1,000 of 100,006 entries: older ones were dropped.");
        assertThat(console.entries("message").last().locator(".entry-label")).hasText("Message 100,000");
        assertEquals("99999", console.json("message", 998).get("index").getAsString());
        System.out.printf("ConsolePageIT: 100,000 messages of a server stream shown (bounded) in %d ms%n", millis);

        // The page still answers at once.
        console.choose("showcase.Showcase/Echo");
        assertThat(console.editor).hasValue(Pattern.compile("int32Value"), new LocatorAssertions.HasValueOptions().setTimeout(1_000));
    }

    @Test
    void aServerStreamKeepsGoingAcrossADroppedConnectionAndEachMessageArrivesOnceInOrder() {
        int count = 600;
        pair.showcase().service().setTickInterval(Duration.ofMillis(10));
        // The page reaches the gateway through a network the test can take away: only a reset
        // connection drops an open WebSocket (Playwright's offline mode leaves it alone).
        try {
            ConsolePage console = openAt(network.url() + "/", "", false);
            console.choose("showcase.Showcase/Count");
            console.openCall();
            long ticksBefore = pair.showcase().service().ticksSent();
            console.send("{\"count\": " + count + "}");
            assertThat(console.entries("message").nth(49)).isAttached();

            network.goOffline();
            assertThat(console.sessionState).hasAttribute("data-state", "reconnecting");
            assertThat(console.sessionState).hasText("Reconnecting…");
            assertThat(console.sessionEntries("reconnecting").locator(".entry-label")).hasText("Connection lost · 1006");
            // The first attempt to resume was refused too: the badge counts them.
            assertThat(console.sessionDetail).containsText("attempt 2", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            int shownBeforeTheCut = console.entries("message").count();
            long sentByTheService = pair.showcase().service().ticksSent() - ticksBefore;
            assertTrue(sentByTheService > shownBeforeTheCut,
                    "the stream went on while the page was offline: " + sentByTheService + " ticks sent, " + shownBeforeTheCut + " shown");
            assertThat(console.callState).hasAttribute("data-state", "open");

            network.goOnline();
            assertThat(console.sessionState).hasAttribute("data-state", "resumed",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
            assertThat(console.sessionState).hasText("Resumed");
            assertThat(console.entries("status")).hasAttribute("data-code", "OK",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(60_000));

            List<String> expected = new ArrayList<>(List.of("session", "call", "open", "sent", "headers"));
            expected.addAll(Collections.nCopies(shownBeforeTheCut, "message"));
            expected.addAll(List.of("session", "session"));
            expected.addAll(Collections.nCopies(count - shownBeforeTheCut, "message"));
            expected.add("status");
            assertEquals(expected, console.kinds());
            assertEquals(List.of("new", "reconnecting", "resumed"), console.transcript.locator("li[data-kind=session]")
                    .evaluateAll("(entries) => entries.map((entry) => entry.dataset.event)"));
            assertThat(console.sessionEntries("resumed")).containsText("Session 1 after ");
            assertEquals(IntStream.range(0, count).mapToObj(String::valueOf).toList(), console.transcript
                    .locator("li[data-kind=message] .entry-body")
                    .evaluateAll("(bodies) => bodies.map((body) => JSON.parse(body.textContent).index)"),
                    "every tick once, in order");
            assertEquals(IntStream.rangeClosed(1, count).mapToObj(n -> "Message " + n).toList(),
                    console.entries("message").locator(".entry-label").allTextContents());
            assertThat(console.transcriptNote).isHidden();
            System.out.printf("ConsolePageIT: cut after %d of %d messages, %d sent by the service while offline; resumed: %s%n",
                    shownBeforeTheCut, count, sentByTheService - shownBeforeTheCut, console.sessionDetail.textContent());
        } finally {
            network.goOnline();
            pair.showcase().service().setTickInterval(Duration.ZERO);
        }
        // Chromium reports each refused attempt to resume on the console; no other error may be there.
        consoleErrors.removeIf(error -> error.startsWith("WebSocket connection to 'ws://127.0.0.1:") && error.contains("/session?"));
    }

    @Test
    void everyControlIsLabelledAndTheWholeCallCanBeDrivenFromTheKeyboard() {
        ConsolePage console = open();
        assertThat(console.transcript).hasAttribute("role", "log");
        assertThat(console.transcript).hasAttribute("aria-live", "polite");
        assertThat(console.callState).hasAttribute("role", "status");
        assertThat(console.method("showcase.Showcase/Converse")).hasAccessibleName("Converse bidirectional");

        console.method("showcase.Showcase/Converse").press("Enter");
        assertThat(console.methodTitle).hasText("showcase.Showcase/Converse");
        assertThat(console.editor).hasAccessibleName("Request message (JSON)");
        assertThat(console.open).hasText("Open call");
        assertThat(console.send).hasText("Send");
        assertThat(console.endInput).hasText("End input");
        assertThat(console.cancel).hasText("Cancel");

        console.open.press("Enter");
        assertThat(console.callState).hasAttribute("data-state", "open");
        // The Open button is disabled now: the focus went to the editor, not to the page's body.
        assertThat(console.editor).isFocused();
        console.page.keyboard().press("Control+A");
        console.page.keyboard().type("{\"text\": \"typed\"}");
        console.page.keyboard().press("Control+Enter");
        assertThat(console.entries("message")).hasCount(1);
        assertEquals("TYPED", console.json("message", 0).get("text").getAsString());
        console.endInput.press("Enter");
        console.awaitStatus("OK");
        assertThat(console.editor).isFocused();
    }

    @Test
    void thePageLoadsNothingFromOutsideItsOrigin() {
        ConsolePage console = open();
        console.choose("showcase.Showcase/Count");
        console.openCall();
        console.send("{\"count\": 2}");
        console.awaitStatus("OK");

        String origin = "http://127.0.0.1:" + pair.gateway().port() + "/";
        String wsOrigin = "ws://127.0.0.1:" + pair.gateway().port() + "/";
        assertFalse(requested.isEmpty());
        for (String url : requested) {
            assertTrue(url.startsWith(origin) || url.startsWith(wsOrigin) || url.startsWith("data:"), "requested " + url);
        }
        for (String wanted : List.of(CONSOLE_PATH, "theme.css", "console/console.css", "console/console.js", "lib/grpc-ws-session.js",
                "lib/grpc-ws-bridge.js", "bridge/methods")) {
            assertTrue(requested.contains(origin + wanted), wanted + " among " + requested);
        }
        assertEquals(1, sessionSockets().size(), requested.toString());
        assertFalse(requested.stream().anyMatch(url -> url.startsWith(wsOrigin + "ws/")), "no method socket: " + requested);
        // The page's policy says the same to the browser.
        assertThat(console.page.locator("meta[http-equiv=Content-Security-Policy]"))
                .hasAttribute("content", Pattern.compile("default-src 'self'"));
    }

    @Test
    void aTokenHandedToThePageInItsFragmentIsSentWithTheCallAndNamesTheCaller() {
        String user = "console-user-" + UUID.randomUUID();
        ConsolePage console = open("#access_token=" + TestTokens.forUser(user));
        assertThat(console.page).hasURL(Pattern.compile("^[^#]*$"));
        console.choose("chat.Chat/BidStream");
        assertThat(console.editor).hasValue("{\n  \"input\": \"\"\n}");

        console.openCall();
        console.send("{\"input\": \"hello\"}");

        assertThat(console.entries("message")).hasCount(1);
        assertEquals("服务端返回: hello", console.json("message", 0).get("output").getAsString());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(pair.chat().log(), StandardCharsets.UTF_8)
                .contains("chat.Chat/BidStream called by " + user));
        console.cancel.click();
        console.awaitStatus("CANCELLED");
    }

    @Test
    void theConsoleAddressRedirectsToThePage() {
        context = newContext();
        Page page = context.newPage();
        page.navigate(pair.gateway().uri() + "console");
        assertThat(page).hasURL(pair.gateway().uri() + "console/");
        assertThat(new ConsolePage(page).methods()).hasCount(METHODS.size());
    }

    @Test
    void aPageThatSendsAsFastAsTheLibraryLetsItIsSlowedByASlowMethodAndEveryMessageArrives() {
        pair.showcase().service().setSumDelay(Duration.ofNanos(200_000));
        try {
            ConsolePage console = open("", false);
            // 20,000 numbers of 1 KB into Sum, each send awaited as the library's README shows.
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) console.page.evaluate("""
                    async () => {
                      const { openCall } = await import("/lib/grpc-ws-bridge.js");
                      const call = openCall("showcase.Showcase/Sum");
                      const padding = "p".repeat(1000);
                      let mostBuffered = 0;
                      for (let i = 1; i <= 20000; i++) {
                        await call.send({ value: i, padding });
                        mostBuffered = Math.max(mostBuffered, call.bufferedAmount);
                      }
                      call.end();
                      const totals = [];
                      for await (const total of call) totals.push(total);
                      const status = await call.status;
                      return { totals: JSON.stringify(totals), code: status.code, closeCode: status.closeCode, mostBuffered };
                    }""");

            assertEquals("[{\"sum\":\"200010000\",\"count\":\"20000\",\"ascending\":true}]", result.get("totals"));
            assertEquals("OK", result.get("code"));
            assertEquals(1000, ((Number) result.get("closeCode")).intValue());
            assertTrue(((Number) result.get("mostBuffered")).longValue() > 0,
                    "bufferedAmount rose: the gateway stopped reading while the method was behind");
        } finally {
            pair.showcase().service().setSumDelay(Duration.ZERO);
        }
    }

    @Test
    void theClientLibraryTellsAnUnknownMethodFromAnOutage() {
        ConsolePage console = open("", false);

        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) console.page.evaluate("""
                async () => {
                  const { openCall } = await import("/lib/grpc-ws-bridge.js");
                  const call = openCall("showcase.Showcase/Nope");
                  return await call.status;
                }""");

        assertEquals("UNIMPLEMENTED", status.get("code"));
        assertTrue(String.valueOf(status.get("message")).startsWith("unknown method showcase.Showcase/Nope"), status.toString());
        // Chromium itself reports the refused handshake on the console; no other error may be there.
        consoleErrors.removeIf(error -> error.contains("/ws/showcase.Showcase/Nope") && error.contains("404"));
    }

    @Test
    void neitherPageRequestsAnythingThatFailsWhenItLoads() {
        context = newContext();
        List<String> failed = new CopyOnWriteArrayList<>();
        context.onResponse(response -> {
            if (response.status() >= 400) {
                failed.add(response.status() + " " + response.url());
            }
        });
        context.onRequestFailed(request -> failed.add("failed " + request.url()));
        for (String path : List.of("", CONSOLE_PATH)) {
            Page page = context.newPage();
            page.navigate(pair.gateway().uri() + path);
            page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
            page.close();
        }

        assertEquals(List.of(), failed, "requests that failed while the pages loaded (a favicon.ico 404 would be one)");
    }

    private ConsolePage open() {
        return open("");
    }

    private ConsolePage open(String fragment) {
        return open(fragment, true);
    }

    private ConsolePage open(String fragment, boolean watchSockets) {
        return openAt(pair.gateway().uri().toString(), fragment, watchSockets);
    }

    /**
     * Opens the console of the gateway at {@code base}; {@code watchSockets}: record the sockets it
     * opens and the frames it sends.
     */
    private ConsolePage openAt(String base, String fragment, boolean watchSockets) {
        context = newContext();
        Page page = context.newPage();
        page.onPageError(pageErrors::add);
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                consoleErrors.add(message.text());
            }
        });
        if (watchSockets) {
            page.onWebSocket(socket -> {
                requested.add(socket.url());
                socket.onFrameSent(frame -> sentFrames.add(frame.text()));
            });
        }
        page.navigate(base + CONSOLE_PATH + fragment);
        ConsolePage console = new ConsolePage(page);
        assertThat(console.methods()).hasCount(METHODS.size());
        return console;
    }

    private BrowserContext newContext() {
        BrowserContext created = chromium.newContext("en-US", 1280, 860);
        created.onRequest(request -> requested.add(request.url()));
        return created;
    }

    /** The frames the page sent that have {@code member} (null: all but acknowledgements), in order. */
    private List<JsonObject> framesSent(String member) {
        return sentFrames.stream().map(ConsolePageIT::json)
                .filter(frame -> member == null ? !frame.has("ack") : frame.has(member)).toList();
    }

    /** The session sockets the page opened (each WebSocket is requested once). */
    private List<String> sessionSockets() {
        String prefix = "ws://127.0.0.1:" + pair.gateway().port() + "/session?client=";
        return requested.stream().filter(url -> url.startsWith(prefix)).toList();
    }

    /** The gateway's own origins and the cuttable network's (the console there opens its session through it). */
    private static String[] gatewayOptions() {
        List<String> options = new ArrayList<>(TestTokens.verificationOptions());
        options.add("-Dgateway.upgrade.allowed-origins=http://localhost:${quarkus.http.port},http://127.0.0.1:${quarkus.http.port},"
                + network.url());
        return options.toArray(String[]::new);
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    /** One method as the gateway lists it at GET /bridge/methods. */
    private static JsonObject methodListed(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(pair.gateway().uri() + "bridge/methods")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (var method : JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("methods")) {
            if (method.getAsJsonObject().get("name").getAsString().equals(name)) {
                return method.getAsJsonObject();
            }
        }
        throw new AssertionError(name + " is not listed: " + response.body());
    }
}
