package io.grpcbridge.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** The chat page's parts, found by their {@code data-testid}s, and what a user does with them. */
final class ChatPage {

    final Page page;
    final Locator state;
    final Locator stateDetail;
    final Locator clientId;
    final Locator log;
    final Locator logNote;
    final Locator input;
    final Locator send;
    final Locator streamCommand;
    final Locator endCommand;
    final Locator endInput;
    final Locator reconnect;

    ChatPage(Page page) {
        this.page = page;
        state = page.getByTestId("state");
        stateDetail = page.getByTestId("state-detail");
        clientId = page.getByTestId("client-id");
        log = page.getByTestId("log");
        logNote = page.getByTestId("log-note");
        input = page.getByTestId("input");
        send = page.getByTestId("send");
        streamCommand = page.getByTestId("cmd-stream");
        endCommand = page.getByTestId("cmd-end");
        endInput = page.getByTestId("end-input");
        reconnect = page.getByTestId("reconnect");
    }

    /** The texts of the log's lines of one kind: input (what the user sent), output, error or event. */
    Locator lines(String kind) {
        return log.locator("li[data-kind=" + kind + "] .text");
    }

    /** The log's event lines (connected, closed …) whose text is exactly {@code text}. */
    Locator events(String text) {
        // The pattern runs in the page, as a JavaScript RegExp, which has no \Q…\E quoting.
        String literal = text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
        return lines("event").filter(new Locator.FilterOptions().setHasText(Pattern.compile("^" + literal + "$")));
    }

    /** The client id the page shows, checked against {@code shown}, a pattern whose group 1 is the id. */
    String clientId(Pattern shown) {
        Matcher matcher = shown.matcher(clientId.textContent());
        if (!matcher.matches()) {
            throw new AssertionError("client id \"" + clientId.textContent() + "\" does not match " + shown);
        }
        return matcher.group(1);
    }

    /** Types {@code text} into the input box and presses Enter, as a user does. */
    void type(String text) {
        input.fill(text);
        input.press("Enter");
    }
}
