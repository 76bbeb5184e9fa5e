// grpc-ws-bridge: the browser side of the gateway's method sockets (docs/protocol.md, "Method
// sockets"). One WebSocket on /ws/<package.Service>/<Method> is one gRPC call of any kind:
//   client -> gateway: {"message": <request>} ..., {"end": true}
//   gateway -> client: {"headers": {...}}, {"message": <response>} ..., {"error": {...}} (a frame it
//                      did not take; the call goes on), {"status": {...}} (always last), then the close.
// No runtime dependencies; runs unchanged in browsers and in Node 20+ (global WebSocket, or pass
// options.WebSocket). Types: grpc-ws-bridge.d.ts.

/** The close codes after which protocol v1 says to reconnect (docs/protocol.md#close-codes). */
const RETRYABLE_CLOSE_CODES = new Set([1001, 1006, 1011, 1013]);
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 10000;
/** send()'s default threshold of bufferedAmount (exported for grpc-ws-session, which shares it; not in the typings). */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
/** How often send() looks at bufferedAmount while it is over the threshold (no drain event exists). */
const DRAIN_POLL_MS = 4;
/** How long to wait for the close after a status frame, or after an error on an open socket. */
const CLOSE_GRACE_MS = 5000;
/** How long a refused call waits for the gateway's method listing before it reports an outage. */
const LISTING_TIMEOUT_MS = 3000;
/** A call that lived this long (or received a message) was healthy: keepOpen starts its backoff anew. */
const DEFAULT_HEALTHY_AFTER_MS = 10000;
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const WS_OPEN = 1;

/** A call's outcome as an error: thrown by a call's iterator when its status is not OK. */
export class CallError extends Error {
  constructor(status) {
    super(`${status.code}: ${status.message}`);
    this.name = "CallError";
    this.code = status.code;
    this.details = status.message;
    this.trailers = status.trailers;
    this.closeCode = status.closeCode;
    this.closeReason = status.closeReason;
    this.status = status;
  }
}

/** Whether protocol v1 says to reconnect after a socket closed with this code. */
export function retryable(closeCode) {
  return RETRYABLE_CLOSE_CODES.has(closeCode);
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry): 1 s doubling to 10 s,
 * times `jitter` (1 by default; keepOpen uses 0.8 to 1.2), never over 10 s.
 */
export function backoff(attempt, jitter = 1) {
  const n = Math.max(0, Math.floor(Number(attempt) || 0));
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(n, 30) * jitter);
}

/** The subprotocols that carry a bearer token through a browser's handshake (docs/operations.md#security). */
export function bearerProtocols(token) {
  return ["bearer-token-carrier", "quarkus-http-upgrade#Authorization#" + encodeURIComponent("Bearer " + token)];
}

/** The URL of a method's socket: <baseUrl>/ws/<package.Service>/<Method>[?client=<id>]. */
export function methodUrl(method, options = {}) {
  const [service, name] = splitMethod(method);
  return gatewayUrl("ws/" + encodeURIComponent(service) + "/" + encodeURIComponent(name), options);
}

/** The URL of protocol v2's sessions: <baseUrl>/session[?client=<id>]. */
export function sessionUrl(options = {}) {
  return gatewayUrl("session", options);
}

/** A WebSocket URL on the gateway: `path` under options.baseUrl (default: the page's origin), with ?client=. */
function gatewayUrl(path, options) {
  let base = options.baseUrl;
  if (base === undefined || base === null || base === "") {
    const here = globalThis.location;
    if (!here || typeof here.origin !== "string" || !/^https?:/.test(here.protocol ?? "")) {
      throw new TypeError("grpc-ws-bridge: options.baseUrl is required outside a page served over http(s)");
    }
    base = here.origin;
  }
  const url = new URL(String(base));
  const scheme = { "http:": "ws:", "https:": "wss:", "ws:": "ws:", "wss:": "wss:" }[url.protocol];
  if (!scheme) {
    throw new TypeError(`grpc-ws-bridge: baseUrl must be http(s) or ws(s), not ${url.protocol}`);
  }
  url.protocol = scheme;
  url.hash = "";
  url.pathname = url.pathname.replace(/\/*$/, "/") + path;
  if (options.client !== undefined) {
    if (typeof options.client !== "string" || !CLIENT_ID.test(options.client)) {
      throw new TypeError("grpc-ws-bridge: options.client must be 1 to 64 characters of [A-Za-z0-9_-]");
    }
    url.searchParams.set("client", options.client);
  }
  return url.href;
}

function splitMethod(method) {
  const match = typeof method === "string" ? /^\/?([^/\s]+)\/([^/\s]+)$/.exec(method) : null;
  if (!match) {
    throw new TypeError(`grpc-ws-bridge: a method is "package.Service/Method", not ${JSON.stringify(method)}`);
  }
  return [match[1], match[2]];
}

/** A close reason the WebSocket API accepts: at most 123 bytes of UTF-8, cut on a character boundary. */
function closeReason(text) {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= 123) {
    return text;
  }
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    bytes += encoder.encode(ch).length;
    if (bytes > 123) break;
    out += ch;
  }
  return out;
}

/** The status of a socket that closed without a status frame. */
function closedWithoutStatus(closeCode, reason) {
  const why =
    reason ||
    (closeCode === 1006
      ? "the connection was refused or lost (close 1006, no status frame)"
      : `the socket closed ${closeCode} without a status frame`);
  return {
    code: retryable(closeCode) ? "UNAVAILABLE" : "INTERNAL",
    message: why,
    trailers: {},
    closeCode,
    closeReason: reason ?? "",
  };
}

/**
 * Whether the gateway at `socketUrl` lists `method` at GET /bridge/methods: true or false, or null
 * when it cannot be told (no fetch, the listing failed). A browser never sees why a handshake was
 * refused; a method the gateway does not list was refused 404, not for an outage.
 */
async function methodListed(socketUrl, method, fetchImpl) {
  if (typeof fetchImpl !== "function") {
    return null;
  }
  try {
    const listing = new URL(listingUrl(socketUrl));
    const signal = typeof AbortSignal?.timeout === "function" ? AbortSignal.timeout(LISTING_TIMEOUT_MS) : undefined;
    const response = await fetchImpl(listing.href, { signal });
    if (!response.ok) {
      return null;
    }
    const { methods } = await response.json();
    return Array.isArray(methods) ? methods.some((listed) => listed?.name === method) : null;
  } catch {
    return null;
  }
}

/** The gateway's method listing beside a method socket's URL (`<base>/ws/<method>` → `<base>/bridge/methods`). */
function listingUrl(socketUrl) {
  return socketUrl.replace(/^ws/, "http").replace(/\/ws\/[^?#]*([?#].*)?$/, "/bridge/methods");
}

/** The status of a call whose method the gateway does not expose. */
function unknownMethod(method, socketUrl) {
  return {
    code: "UNIMPLEMENTED",
    message: `unknown method ${method}: the gateway does not expose it (see ${listingUrl(socketUrl)})`,
    trailers: {},
    closeCode: 1006,
    closeReason: "",
  };
}

function stringMap(value) {
  const out = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) {
      out[key] = String(v);
    }
  }
  return out;
}

function unrefTimer(fn, ms) {
  const timer = setTimeout(fn, ms);
  timer?.unref?.();
  return timer;
}

/** A frozen set of states, each its own name, so that a state prints as what it is. */
function states(...names) {
  return Object.freeze(Object.fromEntries(names.map((name) => [name, name])));
}

/** A state machine's legal moves: for each state, the states it may go to. */
function machine(name, moves) {
  return Object.freeze({ name, moves: Object.freeze(moves) });
}

/**
 * `to`, if `machine` may move there from `from`. The handlers ignore the events their state does not
 * expect, so any other move is a bug in this library: thrown at once, in every environment (there is
 * no build step to strip it), rather than leaving a call whose promises never settle.
 */
function move(machine, from, to) {
  if (!machine.moves[from].includes(to)) {
    throw new Error(`grpc-ws-bridge: no ${machine.name} transition from ${from} to ${to}`);
  }
  return to;
}

/**
 * Where a call is, and what moves it on:
 *   CONNECTING        → OPEN: the open event. → REFUSED_CHECKING: a refused handshake (an error, or close
 *                     1006). → ENDED: cancel(), or another close.
 *   OPEN              → FAILING: an error event. → STATUS_RECEIVED: the status frame. → ENDED: a close,
 *                     cancel(), or a frame that is not JSON.
 *   FAILING           its close should follow; frames are still taken until then. → STATUS_RECEIVED: the
 *                     status frame. → ENDED: the close, cancel(), or no close within CLOSE_GRACE_MS.
 *   STATUS_RECEIVED   its close should follow. → ENDED: the close, or none within CLOSE_GRACE_MS.
 *   REFUSED_CHECKING  the method listing is asked whether the method exists. → ENDED: its answer, cancel(),
 *                     or a close other than 1006.
 *   ENDED             `status` resolved; nothing moves it.
 */
const CallState = states("CONNECTING", "OPEN", "FAILING", "STATUS_RECEIVED", "REFUSED_CHECKING", "ENDED");

const CALL = machine("call", {
  [CallState.CONNECTING]: [CallState.OPEN, CallState.REFUSED_CHECKING, CallState.ENDED],
  [CallState.OPEN]: [CallState.FAILING, CallState.STATUS_RECEIVED, CallState.ENDED],
  [CallState.FAILING]: [CallState.STATUS_RECEIVED, CallState.ENDED],
  [CallState.STATUS_RECEIVED]: [CallState.ENDED],
  [CallState.REFUSED_CHECKING]: [CallState.ENDED],
  [CallState.ENDED]: [],
});

/** The client's half of the call, apart from the call's state: end() may come before the open or after the status. */
const ClientHalf = states("SENDING", "HALF_CLOSED");

const CLIENT_HALF = machine("client half", {
  [ClientHalf.SENDING]: [ClientHalf.HALF_CLOSED],
  [ClientHalf.HALF_CLOSED]: [],
});

/** The call's one iteration: DONE once it reached the status, or the reader left the loop. */
const Reading = states("NOT_STARTED", "READING", "DONE");

const READING = machine("reading", {
  [Reading.NOT_STARTED]: [Reading.READING],
  [Reading.READING]: [Reading.DONE],
  [Reading.DONE]: [],
});

/**
 * Resolves once `bufferedAmount()` is below `max`, or is null (nothing left to wait for). Browsers
 * have no drain event: it looks again every few milliseconds. Exported for grpc-ws-session's sends
 * only, so not in the typings.
 */
export async function waitForRoom(bufferedAmount, max) {
  for (let amount = bufferedAmount(); amount !== null && amount >= max; amount = bufferedAmount()) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}

/** What keepOpen needs to know of a call: when it opened and whether it received anything. */
const health = new WeakMap();

/**
 * Starts keeping `call`'s health for keepOpen; the call updates the record it gets. Exported for
 * grpc-ws-session's calls only, so not in the typings.
 */
export function trackHealth(call) {
  const record = { openedAt: 0, received: 0 };
  health.set(call, record);
  return record;
}

class BridgeCall {
  #state = CallState.CONNECTING;
  #clientHalf = ClientHalf.SENDING;
  #reading = Reading.NOT_STARTED;
  #health = trackHealth(this);
  /** The status as far as it is known: the status frame's from STATUS_RECEIVED, the whole status once ENDED. */
  #outcome = null;
  /** Ends a call in FAILING or STATUS_RECEIVED whose close does not come; cleared at every move. */
  #closeDeadline;
  #socket;
  #maxBuffered;
  #onError;
  #fetch;
  #detach;
  #opened;
  #openedSettle;
  #headers;
  #headersResolve;
  #status;
  #statusResolve;
  #tail = Promise.resolve();
  #inbox = [];
  #inboxHead = 0;
  /** The waiting reader's wake-up, while one waits. */
  #wake = null;

  constructor(method, url, socket, options) {
    this.method = method;
    this.url = url;
    this.#socket = socket;
    this.#maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#onError = options.onError;
    this.#fetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
    this.#opened = new Promise((resolve, reject) => (this.#openedSettle = { resolve, reject }));
    this.#opened.catch(() => {}); // observable through `opened`; never an unhandled rejection
    this.#headers = new Promise((resolve) => (this.#headersResolve = resolve));
    this.#status = new Promise((resolve) => (this.#statusResolve = resolve));

    const onOpen = () => this.#handleOpen();
    const onMessage = (event) => this.#handleFrame(event.data);
    const onError = () => this.#handleSocketError();
    const onClose = (event) => this.#handleClose(event.code, event.reason);
    socket.addEventListener("open", onOpen);
    socket.addEventListener("message", onMessage);
    socket.addEventListener("error", onError);
    socket.addEventListener("close", onClose);
    // The error listener stays: some WebSocket implementations (ws) throw an error nobody listens to.
    this.#detach = () => {
      socket.removeEventListener("open", onOpen);
      socket.removeEventListener("message", onMessage);
      socket.removeEventListener("close", onClose);
    };

    const signal = options.signal;
    if (signal) {
      const abort = () => this.cancel(signal.reason instanceof Error ? signal.reason.message : signal.reason);
      if (signal.aborted) {
        queueMicrotask(abort);
      } else {
        signal.addEventListener("abort", abort, { once: true });
        this.#status.then(() => signal.removeEventListener("abort", abort));
      }
    }
  }

  get opened() {
    return this.#opened;
  }

  get headers() {
    return this.#headers;
  }

  get status() {
    return this.#status;
  }

  get bufferedAmount() {
    return this.#socket.bufferedAmount;
  }

  send(message) {
    if (this.#clientHalf === ClientHalf.HALF_CLOSED) {
      return Promise.reject(new TypeError("grpc-ws-bridge: send() after end()"));
    }
    let text;
    try {
      text = JSON.stringify({ message });
    } catch (error) {
      return Promise.reject(error);
    }
    const sent = this.#tail.then(() => this.#write(text));
    this.#tail = sent.catch(() => {});
    return sent;
  }

  end() {
    if (this.#clientHalf === ClientHalf.SENDING) {
      this.#clientHalf = move(CLIENT_HALF, this.#clientHalf, ClientHalf.HALF_CLOSED);
      this.#tail = this.#tail
        .then(async () => {
          await this.#opened;
          if (!this.#statusKnown()) {
            this.#socket.send('{"end":true}');
          }
        })
        .catch(() => {});
    }
    return this.#tail;
  }

  cancel(reason) {
    if (this.#statusKnown()) {
      return;
    }
    const why = closeReason(reason === undefined || reason === null ? "cancelled by the client" : String(reason));
    try {
      this.#socket.close(1000, why);
    } catch {
      // a socket that cannot be closed any more is closed already
    }
    this.#end({ code: "CANCELLED", message: why, trailers: {}, closeCode: 1000, closeReason: why });
  }

  [Symbol.asyncIterator]() {
    if (this.#reading !== Reading.NOT_STARTED) {
      throw new TypeError("grpc-ws-bridge: a call's messages can be iterated only once");
    }
    this.#reading = move(READING, this.#reading, Reading.READING);
    const iterator = {
      next: () => this.#next(),
      return: async (value) => {
        if (this.#reading === Reading.READING) {
          this.#reading = move(READING, this.#reading, Reading.DONE);
        }
        this.cancel("the reader stopped reading");
        return { done: true, value };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async #next() {
    for (;;) {
      if (this.#reading === Reading.DONE) {
        return { done: true, value: undefined };
      }
      if (this.#inboxHead < this.#inbox.length) {
        const value = this.#inbox[this.#inboxHead];
        this.#inbox[this.#inboxHead++] = undefined;
        if (this.#inboxHead > 1024 && this.#inboxHead * 2 > this.#inbox.length) {
          this.#inbox.splice(0, this.#inboxHead);
          this.#inboxHead = 0;
        }
        return { done: false, value };
      }
      if (this.#statusKnown()) {
        this.#reading = move(READING, this.#reading, Reading.DONE);
        if (this.#outcome.code === "OK") {
          return { done: true, value: undefined };
        }
        throw new CallError(await this.#status); // the close code comes with the close
      }
      await new Promise((resolve) => (this.#wake = resolve));
    }
  }

  #wakeReader() {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async #write(text) {
    await this.#opened;
    if (this.#statusKnown()) {
      throw new CallError(await this.#status);
    }
    this.#socket.send(text);
    if (this.#socket.bufferedAmount < this.#maxBuffered) {
      return;
    }
    await waitForRoom(() => (this.#state === CallState.ENDED ? null : this.#socket.bufferedAmount), this.#maxBuffered);
    if (this.#state === CallState.ENDED) {
      throw new CallError(this.#outcome);
    }
  }

  /** Whether the status frame came or the call ended: nothing more is sent or taken. */
  #statusKnown() {
    return this.#state === CallState.STATUS_RECEIVED || this.#state === CallState.ENDED;
  }

  #moveTo(next) {
    this.#state = move(CALL, this.#state, next);
    clearTimeout(this.#closeDeadline);
  }

  #handleOpen() {
    if (this.#state !== CallState.CONNECTING) {
      return;
    }
    this.#moveTo(CallState.OPEN);
    this.#health.openedAt = Date.now();
    this.#openedSettle.resolve();
  }

  #handleFrame(data) {
    if (this.#state !== CallState.OPEN && this.#state !== CallState.FAILING) {
      return; // after the status frame, nothing more is taken
    }
    let frame;
    try {
      frame = typeof data === "string" ? JSON.parse(data) : undefined;
    } catch {
      frame = undefined;
    }
    if (frame === null || typeof frame !== "object" || Array.isArray(frame)) {
      this.#protocolError("the gateway sent a frame that is not a JSON object");
      return;
    }
    if ("message" in frame) {
      this.#health.received++;
      this.#inbox.push(frame.message);
      this.#wakeReader();
    } else if ("headers" in frame) {
      this.#headersResolve(stringMap(frame.headers));
    } else if ("status" in frame) {
      this.#receiveStatus(frame.status ?? {});
    } else if ("error" in frame) {
      const error = frame.error ?? {};
      this.#onError?.(
        {
          code: typeof error.code === "string" ? error.code : "UNKNOWN",
          message: typeof error.message === "string" ? error.message : "",
        },
        this,
      );
    }
    // any other frame: a later protocol version's; ignored
  }

  #receiveStatus(status) {
    this.#moveTo(CallState.STATUS_RECEIVED);
    this.#outcome = {
      code: typeof status.code === "string" ? status.code : "UNKNOWN",
      message: typeof status.message === "string" ? status.message : "",
      trailers: stringMap(status.trailers),
    };
    this.#headersResolve({});
    this.#wakeReader();
    // The gateway closes right after the status frame; should the close not come, close here.
    this.#closeDeadline = unrefTimer(() => {
      try {
        this.#socket.close(1000);
      } catch {}
      this.#handleClose(1000, "");
    }, CLOSE_GRACE_MS);
  }

  #protocolError(why) {
    try {
      this.#socket.close(1000, "protocol error");
    } catch {}
    this.#end({ code: "INTERNAL", message: why, trailers: {}, closeCode: 1000, closeReason: "protocol error" });
  }

  #handleSocketError() {
    if (this.#state === CallState.CONNECTING) {
      // A refused handshake. Browsers follow with close 1006; Node's WebSocket (undici) fires no
      // close at all and stays CONNECTING, so the call ends here.
      this.#askWhyRefused("");
    } else if (this.#state === CallState.OPEN) {
      // An error on an open socket: the close event follows; should it not, end the call anyway.
      this.#moveTo(CallState.FAILING);
      this.#closeDeadline = unrefTimer(() => this.#handleClose(1006, ""), CLOSE_GRACE_MS);
    }
  }

  #handleClose(code, reason) {
    if (this.#state === CallState.ENDED) {
      return;
    }
    if (this.#state === CallState.STATUS_RECEIVED) {
      this.#end({ ...this.#outcome, closeCode: code, closeReason: reason ?? "" });
    } else if (code === 1006 && (this.#state === CallState.CONNECTING || this.#state === CallState.REFUSED_CHECKING)) {
      this.#askWhyRefused(reason);
    } else {
      this.#end(closedWithoutStatus(code, reason));
    }
  }

  /** A refused handshake: a typo in the method name, or an outage? The listing tells them apart. */
  #askWhyRefused(reason) {
    if (this.#state === CallState.REFUSED_CHECKING) {
      return; // browsers report one refusal twice: an error, then close 1006
    }
    this.#moveTo(CallState.REFUSED_CHECKING);
    methodListed(this.url, this.method, this.#fetch).then((listed) => {
      if (this.#state === CallState.REFUSED_CHECKING) {
        this.#end(listed === false ? unknownMethod(this.method, this.url) : closedWithoutStatus(1006, reason));
      }
    });
  }

  /** Settles everything with the call's status: `opened` too, with a rejection, if the socket never opened. */
  #end(status) {
    const neverOpened = this.#state === CallState.CONNECTING || this.#state === CallState.REFUSED_CHECKING;
    this.#moveTo(CallState.ENDED);
    this.#outcome = status;
    this.#detach();
    if (neverOpened) {
      this.#openedSettle.reject(new CallError(status));
      if (this.#socket.readyState < 2) {
        try {
          this.#socket.close();
        } catch {}
      }
    }
    this.#headersResolve({});
    this.#statusResolve(status);
    this.#wakeReader();
  }
}

/** Opens the socket of one call of `method` ("package.Service/Method"). */
export function openCall(method, options = {}) {
  const url = methodUrl(method, options);
  const WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
  if (typeof WebSocketImpl !== "function") {
    throw new TypeError(
      "grpc-ws-bridge: no WebSocket here; pass options.WebSocket, or run Node 20 with --experimental-websocket (Node 22+ has it)",
    );
  }
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  if (!(typeof maxBuffered === "number" && maxBuffered > 0)) {
    throw new TypeError("grpc-ws-bridge: options.maxBufferedBytes must be a positive number");
  }
  const protocols = [...(options.token ? bearerProtocols(options.token) : []), ...(options.protocols ?? [])];
  const socket = protocols.length ? new WebSocketImpl(url, protocols) : new WebSocketImpl(url);
  return new BridgeCall(method.replace(/^\//, ""), url, socket, options);
}

/**
 * One request, one response: a unary call (or the first response of any call). Resolves with the
 * response, the headers and the status; rejects with a CallError when the status is not OK.
 */
export async function unary(method, request, options = {}) {
  const call = openCall(method, options);
  call.send(request).catch(() => {}); // how it went, the status says
  const messages = [];
  for await (const message of call) {
    messages.push(message);
  }
  const status = await call.status;
  if (messages.length !== 1) {
    throw new CallError({
      ...status,
      code: "INTERNAL",
      message: `a unary call answered ${messages.length} messages`,
    });
  }
  return { message: messages[0], headers: await call.headers, trailers: status.trailers, status };
}

/** keepOpen's default rule: a method socket's call is opened again after a close protocol v1 says to retry. */
function retryableMethodSocketCall(status) {
  return status.code !== "OK" && status.code !== "UNIMPLEMENTED" && retryable(status.closeCode);
}

/**
 * Keeps a long-lived conversation going: opens a call with `open(attempt)`, and when it ends with a
 * status `options.retryable` accepts (by default a close protocol v1 says to retry: retryable()),
 * opens the next one after backoff(attempt). Stops for good on any other status (OK completion,
 * 1000, 1008, 1009, ...) or on stop(). For a session's calls, pass grpc-ws-session's retryableOnSession.
 */
export function keepOpen(open, options = {}) {
  const retryableStatus = options.retryable ?? retryableMethodSocketCall;
  const delayFor = options.backoff ?? ((attempt) => backoff(attempt, 0.8 + Math.random() * 0.4));
  const healthyAfterMs = options.healthyAfterMs ?? DEFAULT_HEALTHY_AFTER_MS;
  let attempt = 0;
  let current = null;
  let timer = null;
  let stopping = false;
  let stopped = false;
  let settle;
  const ended = new Promise((resolve, reject) => (settle = { resolve, reject }));
  ended.catch(() => {}); // observable through `ended`; never an unhandled rejection

  const end = (status) => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    current = null;
    settle.resolve(status);
    options.onEnd?.(status);
  };

  const start = () => {
    timer = null;
    if (stopped || stopping) return;
    let call;
    try {
      call = open(attempt);
    } catch (error) {
      stopped = true;
      settle.reject(error);
      return;
    }
    current = call;
    call.status.then((status) => {
      if (stopped || current !== call) return;
      current = null;
      if (stopping || !retryableStatus(status)) {
        end(status);
        return;
      }
      const seen = health.get(call);
      if (seen && (seen.received > 0 || (seen.openedAt > 0 && Date.now() - seen.openedAt >= healthyAfterMs))) {
        attempt = 0;
      }
      const delay = delayFor(attempt);
      attempt++;
      options.onRetry?.(status, delay, attempt);
      timer = setTimeout(start, delay);
    });
    options.onCall?.(call, attempt);
  };

  start();
  return {
    get call() {
      return current;
    },
    ended,
    stop(reason) {
      if (stopped || stopping) return;
      stopping = true;
      clearTimeout(timer);
      if (current) {
        current.cancel(reason); // its status ends the conversation
      } else {
        const why = reason ?? "stopped by the client";
        end({ code: "CANCELLED", message: why, trailers: {}, closeCode: 1000, closeReason: why });
      }
    },
  };
}
