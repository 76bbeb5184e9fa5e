package io.grpcbridge.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** The console page's parts, found by their {@code data-testid}s, and what a person does with them. */
final class ConsolePage {

    final Page page;
    final Locator sessionState;
    final Locator sessionDetail;
    final Locator callState;
    final Locator callDetail;
    final Locator methodsStatus;
    final Locator methodList;
    final Locator methodsLocked;
    final Locator methodTitle;
    final Locator methodKind;
    final Locator requestType;
    final Locator responseType;
    final Locator editor;
    final Locator editorError;
    final Locator open;
    final Locator send;
    final Locator endInput;
    final Locator cancel;
    final Locator reset;
    final Locator transcript;
    final Locator transcriptNote;

    ConsolePage(Page page) {
        this.page = page;
        sessionState = page.getByTestId("session-state");
        sessionDetail = page.getByTestId("session-detail");
        callState = page.getByTestId("call-state");
        callDetail = page.getByTestId("call-detail");
        methodsStatus = page.getByTestId("methods-status");
        methodList = page.getByTestId("method-list");
        methodsLocked = page.getByTestId("methods-locked");
        methodTitle = page.getByTestId("method-title");
        methodKind = page.getByTestId("method-kind");
        requestType = page.getByTestId("request-type");
        responseType = page.getByTestId("response-type");
        editor = page.getByTestId("editor");
        editorError = page.getByTestId("editor-error");
        open = page.getByTestId("open");
        send = page.getByTestId("send");
        endInput = page.getByTestId("end-input");
        cancel = page.getByTestId("cancel");
        reset = page.getByTestId("reset");
        transcript = page.getByTestId("transcript");
        transcriptNote = page.getByTestId("transcript-note");
    }

    /** The buttons of the method list, in the order shown. */
    Locator methods() {
        return methodList.getByTestId("method");
    }

    /** The button of one method, by its full name ({@code package.Service/Method}). */
    Locator method(String fullName) {
        return methodList.locator("[data-testid=method][data-method=\"" + fullName + "\"]");
    }

    /** The service groups of the method list, in the order shown. */
    Locator services() {
        return methodList.getByTestId("service");
    }

    /** The transcript's entries of one kind: session, call, open, sent, end, headers, message, error, status, local. */
    Locator entries(String kind) {
        return transcript.locator("li[data-kind=" + kind + "]");
    }

    /** The bodies (the JSON or text under the label) of the transcript's entries of one kind. */
    Locator bodies(String kind) {
        return entries(kind).locator(".entry-body");
    }

    /** The body of the {@code index}th entry of {@code kind}, parsed as a JSON object. */
    JsonObject json(String kind, int index) {
        return JsonParser.parseString(bodies(kind).nth(index).textContent()).getAsJsonObject();
    }

    /** The kinds of the transcript's entries, in order. */
    @SuppressWarnings("unchecked")
    List<String> kinds() {
        return (List<String>) page.evaluate("[...document.querySelectorAll('#transcript > li')].map((li) => li.dataset.kind)");
    }

    /** Picks a method in the list and waits for the request panel to show it. */
    void choose(String fullName) {
        method(fullName).click();
        assertThat(methodTitle).hasText(fullName);
    }

    /** Opens a call of the chosen method and waits until the gateway has opened it. */
    void openCall() {
        open.click();
        assertThat(callState).hasAttribute("data-state", "open");
    }

    /** Puts {@code json} in the editor and presses Send. */
    void send(String json) {
        editor.fill(json);
        send.click();
    }

    /** The transcript's entries of what happened to the session: new, reconnecting, resumed, lost. */
    Locator sessionEntries(String event) {
        return transcript.locator("li[data-kind=session][data-event=" + event + "]");
    }

    /** Waits for the call to end with {@code code}: its status entry, and the call badge. */
    void awaitStatus(String code) {
        assertThat(entries("status")).hasAttribute("data-code", code);
        assertThat(callState).hasAttribute("data-state", "ended");
    }
}
