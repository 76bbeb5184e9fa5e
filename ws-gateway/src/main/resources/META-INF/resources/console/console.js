// The console: any method the gateway bridges (GET /bridge/methods), called by hand as calls of one
// protocol v2 session (docs/protocol.md, "Protocol v2: sessions"), with a transcript of every frame
// sent and received and of what happened to the session.

import { sessionUrl } from "../lib/grpc-ws-bridge.js";
import { SessionState, openSession } from "../lib/grpc-ws-session.js";

/** The transcript keeps the newest entries only: a server stream of 100,000 messages must not exhaust the page. */
const MAX_ENTRIES = 1000;
/**
 * Entries reach the DOM in an animation frame, then the next ones wait this many times as long as
 * that flush took (at most FLUSH_MAX_DELAY_MS): a single answer shows at once, while a fast stream
 * spends at most a fifth of the page's time laying out entries, most of which are dropped at once
 * (100,000 messages of Count: 17.5 s, 10 of them layout, with a flush in every frame).
 */
const FLUSH_COST_FACTOR = 4;
const FLUSH_MAX_DELAY_MS = 1000;
/** A body longer than this is cut in the transcript (the message itself is untouched). */
const MAX_BODY_CHARS = 20000;
/** gateway.socket.max-frame-bytes by default: a larger frame closes the session 1009 (a local warning, not a block). */
const DEFAULT_FRAME_LIMIT_BYTES = 64 * 1024;
/** The chat page's key: a token handed to either page serves both, for this tab only. */
const TOKEN_KEY = "chat.accessToken";

const KINDS = {
  UNARY: { label: "unary", streamingInput: false, hint: "One request, one response." },
  SERVER_STREAMING: { label: "server streaming", streamingInput: false, hint: "One request, then any number of responses." },
  CLIENT_STREAMING: {
    label: "client streaming",
    streamingInput: true,
    hint: "Any number of requests, then End input; one response.",
  },
  BIDI_STREAMING: {
    label: "bidirectional",
    streamingInput: true,
    hint: "Requests and responses both ways at once, in any number; End input when you are done.",
  },
};
const UNKNOWN_KIND = { label: "unknown kind", streamingInput: true, hint: "" };

/** What a close of the session's socket means (docs/protocol.md, "Protocol v2" and "Close codes"). */
const CLOSE_MEANINGS = {
  1001: "the gateway is shutting down",
  1006: "no close frame: the connection dropped, or the gateway refused the socket (token, origin, unavailable)",
  1008: "a gateway bound or the protocol was broken, or the token expired",
  1009: "a frame was too large",
  1011: "the gateway failed",
  4000: "another socket took the session over",
  4404: "the gateway has no such session any more: its resume window passed",
};

/** Where the call in progress is (the call badge shows "idle" when there is none). */
const CallPhase = Object.freeze({
  OPENING: "opening",
  OPEN: "open",
  HALF_CLOSED: "half-closed",
  ENDED: "ended",
});

const CALL_TEXT = {
  idle: "No call",
  opening: "Opening",
  open: "Open",
  "half-closed": "Input ended",
  ended: "Ended",
};

/** What the session badge shows: the library's states, OPEN after a resume told apart ("none" before the first call: index.html). */
const SessionView = Object.freeze({
  CONNECTING: "connecting",
  OPEN: "open",
  RECONNECTING: "reconnecting",
  RESUMED: "resumed",
  LOST: "lost",
  CLOSED: "closed",
});

const SESSION_TEXT = {
  connecting: "Connecting",
  open: "Connected",
  reconnecting: "Reconnecting…",
  resumed: "Resumed",
  lost: "Lost",
  closed: "Closed",
};

const $ = (id) => document.getElementById(id);
const ui = {
  clientId: $("client-id"),
  sessionState: $("session-state"),
  sessionDetail: $("session-detail"),
  state: $("call-state"),
  detail: $("call-detail"),
  methodsStatus: $("methods-status"),
  methodsRetry: $("methods-retry"),
  methodList: $("method-list"),
  methodsLocked: $("methods-locked"),
  methodTitle: $("method-title"),
  methodKind: $("method-kind"),
  methodHint: $("method-hint"),
  facts: $("method-facts"),
  requestType: $("request-type"),
  responseType: $("response-type"),
  backend: $("backend"),
  socketPath: $("socket-path"),
  form: $("request-form"),
  editor: $("editor"),
  editorError: $("editor-error"),
  open: $("open"),
  send: $("send"),
  endInput: $("end-input"),
  cancel: $("cancel"),
  reset: $("reset"),
  clear: $("clear"),
  note: $("transcript-note"),
  transcript: $("transcript"),
};

/** Where the gateway is: this page is <gateway>/console/, so a gateway under a path prefix works too. */
const gatewayBase = new URL("../", location.href);
const numbers = new Intl.NumberFormat("en");
// This page load's name in the gateway's logs, sent with every session it opens (docs/protocol.md#opening-a-socket).
const clientId = Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => byte.toString(16).padStart(2, "0")).join("");

let methods = [];
let selected = null;
const methodButtons = new Map();
/** Per method, the editor's text as the person left it. */
const drafts = new Map();
/** The session calls go on (see sessionForCall), or null before the first call. */
let session = null;
let sessionCount = 0;
/** The call in progress (one at a time), or null. */
let current = null;
let callCount = 0;

// ---- token: #access_token=… in the fragment, as an identity provider's redirect hands it over

function takeTokenFromFragment() {
  const token = new URLSearchParams(location.hash.slice(1)).get("access_token");
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(history.state, "", location.pathname + location.search);
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || undefined;
}

// ---- the methods

async function loadMethods() {
  ui.methodsStatus.hidden = false;
  ui.methodsStatus.textContent = "Loading the methods…";
  ui.methodsStatus.dataset.state = "loading";
  ui.methodsRetry.hidden = true;
  try {
    const headers = { Accept: "application/json" };
    if (token()) {
      headers.Authorization = "Bearer " + token();
    }
    const response = await fetch(new URL("bridge/methods", gatewayBase), { headers, cache: "no-store" });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const body = await response.json();
    if (!Array.isArray(body?.methods)) {
      throw new Error("the answer has no list of methods");
    }
    methods = body.methods.filter((method) => typeof method?.name === "string" && method.name.includes("/"));
  } catch (error) {
    ui.methodsStatus.textContent = `Could not load the methods (${error.message}).`;
    ui.methodsStatus.dataset.state = "failed";
    ui.methodsRetry.hidden = false;
    return;
  }
  if (methods.length === 0) {
    ui.methodsStatus.textContent = "The gateway exposes no methods.";
    ui.methodsStatus.dataset.state = "empty";
    return;
  }
  ui.methodsStatus.hidden = true;
  ui.methodsStatus.dataset.state = "loaded";
  renderMethods();
  const wanted = new URLSearchParams(location.search).get("method");
  const initial = methods.find((method) => method.name === wanted);
  if (initial) {
    select(initial);
  }
  updateControls();
}

function serviceOf(method) {
  return method.name.slice(0, method.name.lastIndexOf("/"));
}

function kindOf(method) {
  return KINDS[method?.kind] ?? UNKNOWN_KIND;
}

/** The methods grouped by service, services and methods by name. */
function renderMethods() {
  const services = new Map();
  for (const method of methods) {
    const service = serviceOf(method);
    if (!services.has(service)) {
      services.set(service, []);
    }
    services.get(service).push(method);
  }
  const fragment = document.createDocumentFragment();
  for (const service of [...services.keys()].sort()) {
    const group = document.createElement("section");
    group.className = "service";
    group.dataset.testid = "service";
    group.dataset.service = service;
    const heading = document.createElement("h3");
    heading.className = "service-name";
    heading.id = `service-${cssId(service)}`;
    heading.replaceChildren(breakable(service));
    group.setAttribute("aria-labelledby", heading.id);
    const list = document.createElement("ul");
    list.className = "method-items";
    const members = services.get(service).sort((a, b) => a.name.localeCompare(b.name));
    for (const method of members) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "method";
      button.dataset.testid = "method";
      button.dataset.method = method.name;
      button.setAttribute("aria-pressed", "false");
      const name = document.createElement("span");
      name.className = "method-name";
      name.textContent = method.name.slice(method.name.lastIndexOf("/") + 1);
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.dataset.kind = method.kind;
      kind.textContent = kindOf(method).label;
      button.append(name, kind);
      button.title = `${method.name}: ${method.requestType} → ${method.responseType}`;
      button.addEventListener("click", () => select(method));
      methodButtons.set(method.name, button);
      item.append(button);
      list.append(item);
    }
    group.append(heading, list);
    fragment.append(group);
  }
  ui.methodList.replaceChildren(fragment);
}

/** A dotted or slashed name that may wrap after its dots and slashes only, never inside a word. */
function breakable(name) {
  const fragment = document.createDocumentFragment();
  for (const part of name.split(/(?<=[./])/)) {
    fragment.append(part, document.createElement("wbr"));
  }
  return fragment;
}

/** The editor's text, and as many rows as it has lines (at least 3; the stylesheet caps the height). */
function setEditor(text) {
  ui.editor.value = text;
  ui.editor.rows = Math.max(3, text.split("\n").length);
}

function cssId(text) {
  return text.replace(/[^A-Za-z0-9_-]/g, "-");
}

function select(method) {
  if (current !== null || method === selected) {
    return;
  }
  if (selected) {
    drafts.set(selected.name, ui.editor.value);
    methodButtons.get(selected.name)?.setAttribute("aria-pressed", "false");
  }
  selected = method;
  methodButtons.get(method.name)?.setAttribute("aria-pressed", "true");
  const kind = kindOf(method);
  ui.methodTitle.replaceChildren(breakable(method.name));
  ui.methodKind.hidden = false;
  ui.methodKind.textContent = kind.label;
  ui.methodKind.dataset.kind = method.kind;
  ui.methodHint.textContent = kind.hint;
  ui.facts.hidden = false;
  ui.requestType.replaceChildren(breakable(method.requestType ?? ""));
  ui.responseType.replaceChildren(breakable(method.responseType ?? ""));
  ui.backend.textContent = method.backend ?? "";
  ui.socketPath.textContent = method.path ?? `/ws/${method.name}`;
  ui.editor.disabled = false;
  setEditor(drafts.get(method.name) ?? template(method));
  hideEditorError();
  const url = new URL(location.href);
  url.searchParams.set("method", method.name);
  history.replaceState(history.state, "", url.pathname + url.search);
  updateControls();
}

function template(method) {
  return JSON.stringify(method.requestTemplate ?? {}, null, 2);
}

// ---- the session

/**
 * The session the next call goes on: the current one, or a new one before the first call and after
 * a loss. Opened with the first call rather than at load, so that a console left on its method list
 * holds nothing on the gateway.
 */
function sessionForCall() {
  if (session === null || session.view === SessionView.LOST || session.view === SessionView.CLOSED) {
    session = startSession();
    showSession(session);
  }
  return session;
}

function startSession() {
  const options = { baseUrl: gatewayBase.href, client: clientId, token: token() };
  const number = ++sessionCount;
  const started = { number, handle: null, view: SessionView.CONNECTING, detail: `session ${number}`, attempts: 0 };
  started.handle = openSession({
    ...options,
    onStateChange: (state, detail) => sessionChanged(started, state, detail),
    // A call's error frame belongs to the call in progress if it is that one; null is the session's own.
    onError: (error, call) => errorFrame(call !== null && current?.call === call ? current : null, error),
  });
  addEntry(null, "session", `Session ${started.number}`, `This call and the next ones, on one WebSocket: ${sessionUrl(options)}`, {
    event: "new",
  });
  return started;
}

function sessionChanged(changed, state, detail) {
  if (state === SessionState.RECONNECTING) {
    reconnecting(changed, detail);
  } else if (state === SessionState.OPEN && detail === "resumed") {
    resumed(changed);
  } else if (state === SessionState.LOST) {
    lost(changed, detail);
  } else {
    changed.view = state === SessionState.OPEN ? SessionView.OPEN : SessionView.CLOSED;
  }
  showSession(changed);
}

/** The socket dropped: one entry when it happens, then the badge counts the attempts to resume. */
function reconnecting(changed, { closeCode, delayMs }) {
  if (changed.view !== SessionView.RECONNECTING) {
    changed.attempts = 0;
    addEntry(null, "session", `Connection lost · ${closeCode}`,
      `${closeMeaning(closeCode)}\nResuming session ${changed.number}: the gateway keeps its calls going meanwhile.`,
      { event: "reconnecting", code: String(closeCode) });
  }
  changed.attempts++;
  changed.view = SessionView.RECONNECTING;
  changed.detail = `close ${closeCode} · attempt ${changed.attempts} in ${(delayMs / 1000).toFixed(1)} s`;
}

function resumed(changed) {
  const attempts = `${changed.attempts} ${changed.attempts === 1 ? "attempt" : "attempts"}`;
  addEntry(null, "session", "Resumed", `Session ${changed.number} after ${attempts}: its calls go on, nothing lost or repeated.`, {
    event: "resumed",
  });
  changed.view = SessionView.RESUMED;
  changed.detail = `session ${changed.number} · after ${attempts}`;
}

/** The session is over, and its calls with it (each gets its status); the next call opens a new one. */
function lost(changed, { closeCode, closeReason }) {
  addEntry(null, "session", `Session ${changed.number} lost · ${closeCode}`,
    `${closeReason ? `reason: ${closeReason}\n` : ""}${closeMeaning(closeCode)}\nThe next call opens a new session.`,
    { event: "lost", code: String(closeCode) });
  changed.view = SessionView.LOST;
  changed.detail = `close ${closeCode} · the next call opens a new session`;
}

function closeMeaning(code) {
  return CLOSE_MEANINGS[code] ?? "a close code the protocol does not list";
}

// ---- the call

function openSelected() {
  if (current !== null || selected === null) {
    return;
  }
  const method = selected;
  const onSession = sessionForCall();
  const call = onSession.handle.openCall(method.name);
  const state = { id: ++callCount, method, call, phase: CallPhase.OPENING, singleSent: false, sent: 0, received: 0 };
  current = state;
  addEntry(state.id, "call", `Call ${state.id} · ${method.name}`, `${kindOf(method).label} · call ${call.id} of session ${onSession.number}`);
  showState(CallPhase.OPENING, method.name);

  call.opened.then(
    () => {
      state.phase = CallPhase.OPEN;
      addEntry(state.id, "open", "Open", "The gateway started the call.");
      showState(CallPhase.OPEN, method.name);
      updateControls();
    },
    () => {
      // Told by the status: a call the gateway refuses gets its status at once.
    },
  );
  call.headers.then((headers) => {
    if (state.phase !== CallPhase.OPENING) {
      addEntry(state.id, "headers", "Headers", Object.keys(headers).length ? headers : "(none)");
    }
  });
  readResponses(state);
  updateControls();
}

/** Each response as the call gives it, then the status: always the call's last entry. */
async function readResponses(state) {
  try {
    for await (const message of state.call) {
      state.received++;
      addEntry(state.id, "message", `Message ${numbers.format(state.received)}`, message);
    }
  } catch {
    // A status other than OK: the status entry tells it.
  }
  ended(state, await state.call.status);
}

/** An error frame: of `state`'s call, or of the session when `state` is null. */
function errorFrame(state, error) {
  addEntry(state?.id ?? null, "error", `Error frame · ${error.code}`, error.message || "(no message)");
  // The one request of a unary or server-streaming call was not taken: the gateway waits for another.
  if (state !== null && !kindOf(state.method).streamingInput) {
    state.singleSent = false;
  }
  updateControls();
}

function ended(state, status) {
  state.phase = CallPhase.ENDED;
  const ok = status.code === "OK";
  const body = `message: ${status.message || "(none)"}\ntrailers: ${
    Object.keys(status.trailers ?? {}).length ? JSON.stringify(status.trailers, null, 2) : "(none)"
  }`;
  addEntry(state.id, "status", `Status · ${status.code}`, body, { code: status.code, outcome: ok ? "ok" : status.code === "CANCELLED" ? "cancelled" : "failed" });
  current = null;
  showState(CallPhase.ENDED, status.code, status.message);
  updateControls();
}

/** The editor's text as a request message, or a reason why it is none. */
function parseEditor() {
  const text = ui.editor.value;
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error.message);
    return {
      error: `Not sent: the request is not valid JSON. ${error.message}`,
      position: position ? Number(position[1]) : text.length,
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const what = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return { error: `Not sent: a request message is a JSON object ({ … }), not ${what}.`, position: 0 };
  }
  return { value };
}

function canSend() {
  return current?.phase === CallPhase.OPEN && (kindOf(current.method).streamingInput || !current.singleSent);
}

function sendFromEditor() {
  const state = current;
  if (!canSend()) {
    return;
  }
  const parsed = parseEditor();
  if (parsed.error) {
    showEditorError(parsed.error, parsed.position);
    return;
  }
  hideEditorError();
  const message = parsed.value;
  const bytes = new TextEncoder().encode(JSON.stringify({ message })).length;
  if (bytes > DEFAULT_FRAME_LIMIT_BYTES) {
    addEntry(state.id, "local", "Large frame", `This frame is ${numbers.format(bytes)} bytes; a gateway with the default limit ` +
      `(${numbers.format(DEFAULT_FRAME_LIMIT_BYTES)} bytes) closes the session 1009, ending its calls.`);
  }
  state.sent++;
  if (!kindOf(state.method).streamingInput) {
    state.singleSent = true;
  }
  addEntry(state.id, "sent", `Sent · message ${numbers.format(state.sent)}`, message);
  state.call.send(message).catch((error) => addEntry(state.id, "local", "Not sent", error.message));
  updateControls();
}

function endInput() {
  const state = current;
  if (state?.phase !== CallPhase.OPEN || !kindOf(state.method).streamingInput) {
    return;
  }
  state.phase = CallPhase.HALF_CLOSED;
  addEntry(state.id, "end", "Sent · end of input", '{"end": true}');
  state.call.end();
  showState(CallPhase.HALF_CLOSED, state.method.name);
  updateControls();
}

function cancelCall() {
  current?.call.cancel();
}

// ---- what the page shows

function showState(phase, detail = "", hint = "") {
  ui.state.dataset.state = phase;
  ui.state.textContent = CALL_TEXT[phase];
  ui.detail.textContent = detail;
  ui.detail.title = hint ? `${detail} (${hint})` : detail;
}

/** The session's badge, while `shown` is the page's session (a lost one's successor takes it over). */
function showSession(shown) {
  if (shown !== session) {
    return;
  }
  ui.sessionState.dataset.state = shown.view;
  ui.sessionState.textContent = SESSION_TEXT[shown.view];
  ui.sessionDetail.textContent = shown.detail;
}

function showEditorError(text, position) {
  ui.editorError.textContent = text;
  ui.editorError.hidden = false;
  ui.editor.setAttribute("aria-invalid", "true");
  ui.editor.focus();
  const at = Math.min(Math.max(0, position ?? 0), ui.editor.value.length);
  ui.editor.setSelectionRange(at, at);
}

function hideEditorError() {
  ui.editorError.hidden = true;
  ui.editorError.textContent = "";
  ui.editor.removeAttribute("aria-invalid");
}

/** Which controls work now; a control that lost the focus by being disabled hands it to the editor. */
function updateControls() {
  const focused = document.activeElement;
  const live = current !== null;
  const method = current?.method ?? selected;
  const streamingInput = kindOf(method).streamingInput;
  ui.open.disabled = selected === null || live;
  ui.send.disabled = !canSend();
  ui.endInput.hidden = method !== null && !streamingInput;
  ui.endInput.disabled = !(current?.phase === CallPhase.OPEN && streamingInput);
  ui.cancel.disabled = !live;
  ui.reset.disabled = selected === null;
  for (const button of methodButtons.values()) {
    button.disabled = live;
  }
  ui.methodsLocked.hidden = !live;
  if (focused instanceof HTMLElement && focused.matches(":disabled")) {
    (ui.editor.disabled ? ui.transcript : ui.editor).focus();
  }
}

// ---- the transcript: entries wait in `pending` and reach the DOM in an animation frame, paced by
// what the last flush cost

let pending = [];
let total = 0;
let flushRequested = false;
let flushedAt = -Infinity;
let flushCost = 0;

function addEntry(callId, kind, label, body, data = {}) {
  pending.push({ callId, kind, label, body, data, at: new Date() });
  total++;
  // Only the last MAX_ENTRIES can ever be shown; trimming in bulk keeps this O(1) per entry.
  if (pending.length > 2 * MAX_ENTRIES) {
    pending = pending.slice(-MAX_ENTRIES);
  }
  if (!flushRequested) {
    flushRequested = true;
    const wait = flushedAt + Math.min(FLUSH_MAX_DELAY_MS, FLUSH_COST_FACTOR * flushCost) - performance.now();
    if (wait > 0) {
      setTimeout(() => requestAnimationFrame(flush), wait);
    } else {
      requestAnimationFrame(flush);
    }
  }
}

function flush() {
  const started = performance.now();
  flushRequested = false;
  const entries = pending.slice(-MAX_ENTRIES);
  pending = [];
  const list = ui.transcript;
  const following = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  const fragment = document.createDocumentFragment();
  for (const entry of entries) {
    fragment.append(render(entry));
  }
  list.append(fragment);
  const excess = list.childElementCount - MAX_ENTRIES;
  if (excess > 0) {
    const range = document.createRange();
    range.setStartBefore(list.firstElementChild);
    range.setEndAfter(list.children[excess - 1]);
    range.deleteContents();
  }
  const shown = list.childElementCount;
  ui.note.hidden = total <= shown;
  ui.note.textContent = `Showing the last ${numbers.format(shown)} of ${numbers.format(total)} entries: older ones were dropped.`;
  // Reading the height lays the list out now, inside the flush, so that its cost is measured.
  const height = list.scrollHeight;
  if (following) {
    list.scrollTop = height;
  }
  flushedAt = performance.now();
  flushCost = flushedAt - started;
}

/** One entry; `callId` null: the session's, not a call's. */
function render({ callId, kind, label, body, data, at }) {
  const item = document.createElement("li");
  item.className = `entry entry-${kind}`;
  item.dataset.kind = kind;
  if (callId !== null) {
    item.dataset.call = String(callId);
  }
  for (const [key, value] of Object.entries(data)) {
    item.dataset[key] = value;
  }
  const head = document.createElement("div");
  head.className = "entry-head";
  const title = document.createElement("span");
  title.className = "entry-label";
  title.textContent = label;
  const time = document.createElement("time");
  time.dateTime = at.toISOString();
  time.textContent =
    [at.getHours(), at.getMinutes(), at.getSeconds()].map((part) => String(part).padStart(2, "0")).join(":") +
    "." +
    String(at.getMilliseconds()).padStart(3, "0");
  head.append(title, time);
  item.append(head);
  if (body !== undefined && body !== "") {
    const text = document.createElement("pre");
    text.className = "entry-body";
    let shown = typeof body === "string" ? body : JSON.stringify(body, null, 2);
    if (shown.length > MAX_BODY_CHARS) {
      shown = `${shown.slice(0, MAX_BODY_CHARS)}\n… (${numbers.format(shown.length - MAX_BODY_CHARS)} more characters)`;
    }
    text.textContent = shown;
    item.append(text);
  }
  return item;
}

function clearTranscript() {
  pending = [];
  total = 0;
  ui.transcript.replaceChildren();
  ui.note.hidden = true;
}

// ---- wiring

takeTokenFromFragment();
ui.clientId.textContent = `Client id ${clientId}`;
ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  sendFromEditor();
});
ui.editor.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    sendFromEditor();
  }
});
ui.editor.addEventListener("input", () => {
  if (!ui.editorError.hidden && !parseEditor().error) {
    hideEditorError();
  }
});
ui.open.addEventListener("click", openSelected);
ui.endInput.addEventListener("click", endInput);
ui.cancel.addEventListener("click", cancelCall);
ui.reset.addEventListener("click", () => {
  if (selected) {
    setEditor(template(selected));
    drafts.delete(selected.name);
    hideEditorError();
  }
});
ui.clear.addEventListener("click", clearTranscript);
ui.methodsRetry.addEventListener("click", loadMethods);
// Closing the session cancels its calls at once, rather than when its resume window ends.
window.addEventListener("pagehide", () => session?.handle.close());
updateControls();
loadMethods();
