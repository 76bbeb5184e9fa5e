// The browser side of protocol v1: one WebSocket, JSON text frames, a log of what came back.

const COMMAND_STREAM = "返回数据流";
const COMMAND_END = "结束对话";
const MAX_FRAME_BYTES = 64 * 1024;
const MAX_LINES = 1000;
// Closes worth retrying (docs/protocol.md#close-codes): the gateway going away (1001, drain), no
// connection or a refused upgrade (1006), chat-service failing or unavailable (1011, 1013). Not 1000,
// the end of the chat; not 1008/1009, which would only happen again; not a code protocol v1 lacks.
const RETRY_CODES = new Set([1001, 1006, 1011, 1013]);
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 10000;
// A socket that lasted this long, or answered at all, was healthy: the next outage starts the backoff anew.
const HEALTHY_AFTER_MS = 10000;
// Where this tab keeps a bearer token for gateways that require one (docs/operations.md#authentication).
const TOKEN_KEY = "chat.accessToken";

const TEXT = {
  en: {
    title: "Chat",
    subtitle: "A live gRPC stream through the WebSocket gateway",
    clientId: (id) => `Client id ${id}`,
    clientIdHint: "The gateway writes this id on its log lines for this page's connections",
    logTitle: "Conversation",
    empty: "Nothing yet. Say hello.",
    inputLabel: "Message",
    placeholder: "Type a message, press Enter",
    send: "Send",
    actionsTitle: "Commands",
    stream: "Stream data",
    streamHint: `Sends ${COMMAND_STREAM}: ten outputs in a row`,
    endChat: "End chat",
    endChatHint: `Sends ${COMMAND_END}: the service says goodbye and closes`,
    endInput: "End input",
    endInputHint: "Sends no more input; outputs still due keep arriving",
    reconnect: "Reconnect",
    you: "You: ",
    service: "Service: ",
    error: "Error: ",
    connecting: "Connecting",
    connected: "Connected",
    closed: "Closed",
    reconnecting: "Reconnecting",
    inputEnded: "input ended",
    retryIn: (seconds) => `next try in ${seconds} s`,
    eventConnected: "Connected",
    eventClosed: (code, why) => `Closed ${code} · ${why}`,
    // What each close code of protocol v1 means to the user; the gateway's own (English) reason is
    // kept in the tooltip.
    closeReasons: {
      1000: "chat ended",
      1001: "gateway restarting",
      1006: "connection lost or refused",
      1008: "over a gateway limit",
      1009: "message too large",
      1011: "chat service failed",
      1013: "chat service unavailable",
    },
    authenticationExpired: "sign-in expired",
    unknownClose: "closed unexpectedly",
    eventInputEnded: "Input ended: waiting for the last outputs",
    tooLong: `Not sent: a message is at most ${MAX_FRAME_BYTES / 1024} KiB`,
    badFrame: "Unreadable frame from the gateway",
    note: (shown, total) => `Showing the last ${shown} of ${total} lines`,
  },
  zh: {
    title: "对话",
    subtitle: "经 WebSocket 网关的实时 gRPC 数据流",
    clientId: (id) => `客户端 ID ${id}`,
    clientIdHint: "网关在此页面各连接的日志中记录此 ID",
    logTitle: "对话记录",
    empty: "还没有消息，打个招呼吧。",
    inputLabel: "消息",
    placeholder: "输入消息，按 Enter 发送",
    send: "发送",
    actionsTitle: "指令",
    stream: COMMAND_STREAM,
    streamHint: "连续返回十条输出",
    endChat: COMMAND_END,
    endChatHint: "服务端回复后关闭对话",
    endInput: "结束输入",
    endInputHint: "不再发送输入；尚未返回的输出仍会到达",
    reconnect: "重新连接",
    you: "我：",
    service: "服务：",
    error: "错误：",
    connecting: "连接中",
    connected: "已连接",
    closed: "已关闭",
    reconnecting: "重新连接中",
    inputEnded: "输入已结束",
    retryIn: (seconds) => `${seconds} 秒后重试`,
    eventConnected: "已连接",
    eventClosed: (code, why) => `已关闭 ${code} · ${why}`,
    closeReasons: {
      1000: "对话已结束",
      1001: "网关正在重启",
      1006: "连接中断或被拒绝",
      1008: "超出网关限制",
      1009: "消息过大",
      1011: "聊天服务出错",
      1013: "聊天服务暂不可用",
    },
    authenticationExpired: "登录已过期",
    unknownClose: "连接意外关闭",
    eventInputEnded: "输入已结束：等待剩余输出",
    tooLong: `未发送：消息最多 ${MAX_FRAME_BYTES / 1024} KiB`,
    badFrame: "网关发来无法解析的帧",
    note: (shown, total) => `仅显示最近 ${shown} 行（共 ${total} 行）`,
  },
};

const language = navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";
const t = TEXT[language];
const numbers = new Intl.NumberFormat(language);
// This page load's name in the gateway's logs: 8 random hex digits, sent with every socket it opens
// (docs/protocol.md#opening-a-socket) and shown, so a user's report can be found in the logs.
const clientId = Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => byte.toString(16).padStart(2, "0")).join("");
const wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws?client=" + clientId;

const $ = (id) => document.getElementById(id);
const ui = {
  state: $("state"),
  detail: $("state-detail"),
  log: $("log"),
  note: $("log-note"),
  composer: $("composer"),
  input: $("input"),
  send: $("send"),
  stream: $("cmd-stream"),
  endChat: $("cmd-end"),
  endInput: $("end-input"),
  reconnect: $("reconnect"),
};

let socket = null;
let inputEnded = false;
let attempt = 0;
let retryTimer = 0;
let countdown = 0;

function translatePage() {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  document.title = t.title;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t[element.dataset.i18n];
  }
  ui.input.placeholder = t.placeholder;
  ui.log.dataset.empty = t.empty;
  ui.stream.title = t.streamHint;
  ui.endChat.title = t.endChatHint;
  ui.endInput.title = t.endInputHint;
  $("client-id").textContent = t.clientId(clientId);
  $("client-id").title = t.clientIdHint;
}

// ---- connection

// A token arrives in the URL fragment (#access_token=…), as an identity provider's redirect hands it
// over; it is kept for this tab only and taken out of the address bar.
function takeTokenFromFragment() {
  const token = new URLSearchParams(location.hash.slice(1)).get("access_token");
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", location.pathname + location.search);
  }
}

// A browser cannot set headers on the handshake: the token rides in a subprotocol, which the gateway
// turns into an Authorization header, answering with "bearer-token-carrier".
function subprotocols() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? ["bearer-token-carrier", "quarkus-http-upgrade#Authorization#" + encodeURIComponent("Bearer " + token)] : [];
}

function connect() {
  clearTimeout(retryTimer);
  clearInterval(countdown);
  inputEnded = false;
  const ws = new WebSocket(wsUrl, subprotocols());
  socket = ws;
  showState("connecting");
  let openedAt = 0;
  let answered = false;
  let lastError = "";
  ws.onopen = () => {
    openedAt = Date.now();
    showState("connected");
    addLine("event", t.eventConnected);
  };
  ws.onmessage = (message) => {
    const frame = receive(message.data);
    answered ||= typeof frame?.output === "string";
    lastError = frame?.error?.message ?? lastError;
  };
  ws.onclose = (close) => {
    socket = null;
    const why = closeText(close);
    // The gateway's reason is English, and often repeats the error frame just shown: a tooltip.
    const gatewayReason = close.reason && close.reason !== lastError ? close.reason : "";
    addLine("event", t.eventClosed(close.code, why), gatewayReason);
    if (!RETRY_CODES.has(close.code)) {
      attempt = 0;
      showState("closed", `${close.code} · ${why}`, close.reason);
      return;
    }
    if (answered || (openedAt && Date.now() - openedAt >= HEALTHY_AFTER_MS)) {
      attempt = 0;
    }
    scheduleRetry(close);
  };
}

/** The close in the page's language: by its code, as docs/protocol.md#close-codes lists them. */
function closeText(close) {
  if (close.code === 1008 && close.reason === "Authentication expired") {
    return t.authenticationExpired;
  }
  return t.closeReasons[close.code] ?? t.unknownClose;
}

function scheduleRetry(close) {
  const jitter = 0.8 + Math.random() * 0.4;
  const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt * jitter);
  attempt++;
  const retryAt = Date.now() + delay;
  const showCountdown = () => {
    const seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
    showDetail(`${close.code} · ${t.retryIn(seconds)}`);
  };
  showState("reconnecting");
  showCountdown();
  countdown = setInterval(showCountdown, 1000);
  retryTimer = setTimeout(connect, delay);
}

/**
 * The badge is a live region: it changes only with the state, so each state is announced once.
 * "connected" is shown only from the socket's open event: the gateway opens a socket only when its
 * gRPC call can start, so connected means the chat is there.
 */
function showState(state, detail = "", hint = "") {
  ui.state.dataset.state = state;
  ui.state.textContent = t[state];
  showDetail(detail, hint);
  updateControls();
}

function showDetail(detail, hint = "") {
  ui.detail.textContent = detail;
  ui.detail.title = hint ? `${detail} (${hint})` : detail;
}

// The text field wants the focus at load (autofocus, lost as it waits for the socket) and after it
// lost the focus by being disabled: it gets it when it can be used again, unless the user went elsewhere.
let inputWantsFocus = true;

/** Input is possible only on an open socket that has not ended its input: the text field with the buttons. */
function updateControls() {
  const focused = document.activeElement;
  const canSend = socket?.readyState === WebSocket.OPEN && !inputEnded;
  for (const control of [ui.input, ui.send, ui.stream, ui.endChat, ui.endInput]) {
    control.disabled = !canSend;
  }
  ui.reconnect.disabled = socket !== null;
  // A disabled control drops the focus to <body>: keep it where the keyboard user can go on.
  if (focused?.disabled) {
    inputWantsFocus ||= focused === ui.input;
    (ui.reconnect.disabled ? ui.log : ui.reconnect).focus();
  }
  if (canSend && inputWantsFocus) {
    inputWantsFocus = false;
    if ([document.body, ui.log, ui.reconnect, null].includes(document.activeElement)) {
      ui.input.focus();
    }
  }
}

/** Sends one frame if the socket takes input; returns whether it did. */
function sendFrame(frame) {
  if (socket?.readyState !== WebSocket.OPEN || inputEnded) {
    return false;
  }
  const text = JSON.stringify(frame);
  if (new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
    addLine("error", t.tooLong);
    return false;
  }
  socket.send(text);
  return true;
}

/** Shows one frame from the gateway in the log and returns it, or null when it is not JSON. */
function receive(data) {
  let frame = null;
  try {
    frame = JSON.parse(data);
  } catch {
    // shown below as an unreadable frame
  }
  if (typeof frame?.output === "string") {
    addLine("output", frame.output);
  } else if (typeof frame?.input === "string") {
    addLine("input", frame.input);
  } else if (frame?.error) {
    addLine("error", `${frame.error.code}: ${frame.error.message}`);
  } else {
    addLine("error", t.badFrame);
  }
  return frame;
}

// ---- the log: lines wait in `pending` and reach the DOM once per animation frame

let pending = [];
let total = 0;
let flushRequested = false;

function addLine(kind, text, hint = "") {
  pending.push({ kind, text, hint, at: new Date() });
  total++;
  // Only the last MAX_LINES can ever be shown; trimming in bulk keeps this O(1) per line.
  if (pending.length > 2 * MAX_LINES) {
    pending = pending.slice(-MAX_LINES);
  }
  if (!flushRequested) {
    flushRequested = true;
    requestAnimationFrame(flush);
  }
}

function flush() {
  flushRequested = false;
  const lines = pending.slice(-MAX_LINES);
  pending = [];
  const log = ui.log;
  const following = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  const fragment = document.createDocumentFragment();
  for (const line of lines) {
    fragment.append(render(line));
  }
  log.append(fragment);
  const excess = log.childElementCount - MAX_LINES;
  if (excess > 0) {
    const range = document.createRange();
    range.setStartBefore(log.firstElementChild);
    range.setEndAfter(log.children[excess - 1]);
    range.deleteContents();
  }
  const shown = log.childElementCount;
  ui.note.hidden = total <= shown;
  ui.note.textContent = t.note(numbers.format(shown), numbers.format(total));
  if (following) {
    log.scrollTop = log.scrollHeight;
  }
}

const WHO = { input: "you", output: "service", error: "error" };

function render({ kind, text, hint, at }) {
  const item = document.createElement("li");
  item.className = `line line-${kind}`;
  item.dataset.kind = kind;
  if (hint) {
    item.title = hint;
  }
  const time = document.createElement("time");
  time.dateTime = at.toISOString();
  time.textContent = [at.getHours(), at.getMinutes(), at.getSeconds()]
    .map((part) => String(part).padStart(2, "0"))
    .join(":");
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  if (WHO[kind]) {
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = t[WHO[kind]];
    item.append(time, who, body);
  } else {
    item.append(time, body);
  }
  return item;
}

// ---- wiring

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = ui.input.value;
  if (value.trim() !== "" && sendFrame({ input: value })) {
    ui.input.value = "";
  }
});
ui.stream.addEventListener("click", () => sendFrame({ input: COMMAND_STREAM }));
ui.endChat.addEventListener("click", () => sendFrame({ input: COMMAND_END }));
ui.endInput.addEventListener("click", () => {
  if (sendFrame({ end: true })) {
    inputEnded = true;
    showDetail(t.inputEnded);
    addLine("event", t.eventInputEnded);
    updateControls();
  }
});
ui.reconnect.addEventListener("click", () => {
  if (socket === null) {
    connect();
  }
});
window.addEventListener("online", () => {
  if (ui.state.dataset.state === "reconnecting") {
    connect();
  }
});

translatePage();
takeTokenFromFragment();
connect();
