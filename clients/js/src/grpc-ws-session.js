// Protocol v2 sessions (docs/protocol.md, "Protocol v2: sessions"): many calls on one WebSocket,
// credit both ways handled for the application, and automatic resume after a dropped connection
// with nothing lost or applied twice. Each call looks like grpc-ws-bridge's openCall().
import { CallError, DEFAULT_MAX_BUFFERED_BYTES, backoff, bearerProtocols, sessionUrl, trackHealth, waitForRoom } from "./grpc-ws-bridge.js";

const WS_OPEN = 1;
const DEFAULT_CREDIT = 32;
/** Close codes after which a session cannot go on: the gateway ended it, or it is not there any more. */
const FINAL_CLOSE_CODES = new Set([1001, 1008, 1009, 1011, 4404]);
/**
 * Closes that lose a session and after which a new one may well work: the gateway restarting
 * (1001), the connection lost past the resume window (1006), a gateway error (1011), the session
 * gone when resumed (4404).
 */
const RENEWABLE_CLOSE_CODES = new Set([1001, 1006, 1011, 4404]);

/** A session's states, each its own name. */
export const SessionState = Object.freeze({
  CONNECTING: "CONNECTING",
  OPEN: "OPEN",
  RECONNECTING: "RECONNECTING",
  LOST: "LOST",
  CLOSED: "CLOSED",
});

function status(code, message, trailers = {}, closeCode = 1000, closeReason = "") {
  return Object.freeze({ code, message, trailers, closeCode, closeReason });
}

/**
 * keepOpen's rule for a session's calls (its `retryable` option): open the call again after
 * UNAVAILABLE, whether the call's own status (its service down, the gateway draining: closeCode
 * 1000, the session still open) or its session lost by a close a new session may get past.
 */
export function retryableOnSession(status) {
  return status.code === "UNAVAILABLE" && (status.closeCode === 1000 || RENEWABLE_CLOSE_CODES.has(status.closeCode));
}

/** One call of a session: the same surface as grpc-ws-bridge's Call, plus `bufferedMessages`. */
class SessionCall {
  #session;
  #credit;
  #maxBufferedBytes;
  #seqSent = 0;
  #lastSeqRead = 0;
  #lastAckSent = 0;
  #ackScheduled = false;
  /** Numbered frames sent and not yet acknowledged by the gateway: sent again on a resume. */
  #unacknowledged = new Map();
  #requestCredit = 0;
  #creditWaiters = [];
  #responses = [];
  #consumedSinceGrant = 0;
  #wake = null;
  #status = null;
  #iterating = false;
  #sending = Promise.resolve();
  #ended = false;
  #resolveHeaders;
  #resolveStatus;
  #resolveOpened;
  #rejectOpened;
  #health = trackHealth(this);

  constructor(session, id, method, credit, maxBufferedBytes) {
    this.#session = session;
    this.id = id;
    this.method = method;
    this.#credit = credit;
    this.#maxBufferedBytes = maxBufferedBytes;
    this.openFrame = JSON.stringify({ call: id, open: method, credit });
    this.headers = new Promise((resolve) => (this.#resolveHeaders = resolve));
    this.status = new Promise((resolve) => (this.#resolveStatus = resolve));
    this.opened = new Promise((resolve, reject) => {
      this.#resolveOpened = resolve;
      this.#rejectOpened = reject;
    });
    this.opened.catch(() => {});
  }

  /** Responses received and not yet taken by the iterator: never more than the credit granted. */
  get bufferedMessages() {
    return this.#responses.length;
  }

  send(message) {
    const next = this.#sending.then(async () => {
      if (this.#status) throw new CallError(this.#status);
      if (this.#ended) throw new TypeError("grpc-ws-session: send() after end()");
      while (this.#requestCredit === 0) {
        await new Promise((resolve) => this.#creditWaiters.push(resolve));
        if (this.#status) throw new CallError(this.#status);
      }
      this.#requestCredit--;
      this.#numbered({ message });
      await this.#session.drained(this.#maxBufferedBytes);
    });
    this.#sending = next.catch(() => {});
    return next;
  }

  end() {
    const next = this.#sending.then(() => {
      if (!this.#ended && !this.#status) {
        this.#ended = true;
        this.#numbered({ end: true });
      }
    });
    this.#sending = next;
    return next;
  }

  cancel() {
    if (!this.#status) {
      this.#numbered({ cancel: true });
    }
  }

  [Symbol.asyncIterator]() {
    if (this.#iterating) throw new TypeError("grpc-ws-session: a call can be iterated once");
    this.#iterating = true;
    return {
      next: async () => {
        for (;;) {
          if (this.#responses.length > 0) {
            const message = this.#responses.shift();
            this.#consumed();
            return { value: message, done: false };
          }
          if (this.#status) {
            if (this.#status.code !== "OK") throw new CallError(this.#status);
            return { value: undefined, done: true };
          }
          await new Promise((resolve) => (this.#wake = resolve));
          this.#wake = null;
        }
      },
      return: async () => {
        this.cancel();
        return { value: undefined, done: true };
      },
    };
  }

  /** The application took a response: grant more once it has taken half of its credit. */
  #consumed() {
    this.#consumedSinceGrant++;
    if (!this.#status && this.#consumedSinceGrant >= Math.max(1, this.#credit / 2)) {
      const grant = this.#consumedSinceGrant;
      this.#consumedSinceGrant = 0;
      this.#numbered({ credit: grant });
    }
  }

  #numbered(member) {
    const seq = ++this.#seqSent;
    const text = JSON.stringify({ call: this.id, seq, ...member });
    this.#unacknowledged.set(seq, text);
    this.#session.transmit(text);
  }

  /** A frame of this call from the gateway (any order guarantees come from its seq). */
  receive(frame) {
    if (typeof frame.ack === "number") {
      for (const seq of this.#unacknowledged.keys()) {
        if (seq <= frame.ack) this.#unacknowledged.delete(seq);
      }
    }
    if (frame.seq <= this.#lastSeqRead) return; // sent again after a resume: already here
    this.#lastSeqRead = frame.seq;
    this.#scheduleAck();
    if (!("status" in frame)) this.#markOpened(); // a refused call's only frame is its status
    if ("credit" in frame) {
      this.#requestCredit += frame.credit;
      for (const waiter of this.#creditWaiters.splice(0)) waiter();
    } else if ("headers" in frame) {
      this.#resolveHeaders(frame.headers ?? {});
    } else if ("message" in frame) {
      this.#health.received++;
      this.#responses.push(frame.message);
      this.#wake?.();
    } else if ("error" in frame) {
      this.#session.options.onError?.(frame.error, this);
    } else if ("status" in frame) {
      const s = frame.status;
      this.#finish(status(s.code, s.message ?? "", s.trailers ?? {}));
    }
  }

  #markOpened() {
    if (this.#health.openedAt === 0) {
      this.#health.openedAt = Date.now();
      this.#resolveOpened();
    }
  }

  /** The gateway's frames are acknowledged once per turn of the event loop, whatever their number. */
  #scheduleAck() {
    if (this.#ackScheduled) return;
    this.#ackScheduled = true;
    setTimeout(() => {
      this.#ackScheduled = false;
      if (this.#lastSeqRead > this.#lastAckSent) {
        this.#lastAckSent = this.#lastSeqRead;
        this.#session.transmit(JSON.stringify({ call: this.id, ack: this.#lastSeqRead }));
      }
    }, 0);
  }

  /** Sends again what the gateway lacks after a resume: the open if it never saw it, then every numbered frame after `had`. */
  resend(lastCall, had) {
    if (this.id > lastCall) {
      this.#session.transmit(this.openFrame);
    }
    for (const [seq, text] of this.#unacknowledged) {
      if (seq > had) this.#session.transmit(text);
    }
    // An acknowledgement sent while the socket was down never arrived: say again what this call has.
    this.#lastAckSent = 0;
    this.#scheduleAck();
  }

  #finish(final) {
    if (this.#status) return;
    this.#status = final;
    this.#resolveHeaders({});
    this.#resolveStatus(final);
    if (final.code !== "OK") this.#rejectOpened(new CallError(final));
    for (const waiter of this.#creditWaiters.splice(0)) waiter();
    this.#wake?.();
    this.#session.forget(this);
  }

  /** The session is gone: the call ends with `final` unless it already has a status. */
  fail(final) {
    this.#finish(final);
  }

  get done() {
    return this.#status !== null;
  }
}

/** One protocol v2 session: see openSession. */
class Session {
  #url;
  #protocols;
  #socket = null;
  #token = null;
  #gateway = null;
  #resumeWindowMs = 30_000;
  #lostAt = 0;
  #attempt = 0;
  #nextId = 1;
  #calls = new Map();
  #pending = [];
  #closing = false;
  #retryTimer = null;

  constructor(options) {
    this.options = options;
    this.#url = sessionUrl(options);
    this.#protocols = options.token ? [...bearerProtocols(options.token), ...(options.protocols ?? [])] : options.protocols ?? [];
    this.state = SessionState.CONNECTING;
    this.#connect(false);
  }

  /** Opens a call of `method` on this session; its responses are granted `credit` at a time. */
  openCall(method, callOptions = {}) {
    if (this.state === SessionState.LOST || this.state === SessionState.CLOSED) {
      throw new TypeError(`grpc-ws-session: the session is ${this.state}`);
    }
    const call = new SessionCall(this, this.#nextId++, method, callOptions.credit ?? this.options.credit ?? DEFAULT_CREDIT,
      this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES);
    this.#calls.set(call.id, call);
    this.transmit(call.openFrame);
    return call;
  }

  /** Ends the session: every call still running is cancelled. */
  close() {
    if (this.state === SessionState.LOST || this.state === SessionState.CLOSED) return;
    this.#closing = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, "session closed by the client");
    this.#end(SessionState.CLOSED, status("CANCELLED", "session closed by the client"));
  }

  /** While RECONNECTING, tries to resume now instead of at the end of the backoff (say, at the browser's `online` event). */
  reconnectNow() {
    if (this.state === SessionState.RECONNECTING && this.#retryTimer !== null) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      this.#connect(true);
    }
  }

  transmit(text) {
    if (this.state === SessionState.OPEN && this.#socket?.readyState === WS_OPEN) {
      this.#socket.send(text);
    } else if (this.state === SessionState.CONNECTING) {
      this.#pending.push(text);
    }
    // RECONNECTING: what matters is kept by its call and sent again on the resume.
  }

  /** Resolves once the socket's bufferedAmount is below `max` (or there is no socket to wait for). */
  drained(max) {
    return waitForRoom(() => (this.#socket?.readyState === WS_OPEN ? this.#socket.bufferedAmount : null), max);
  }

  forget(call) {
    this.#calls.delete(call.id);
  }

  #setState(state, detail) {
    this.state = state;
    this.options.onStateChange?.(state, detail);
  }

  #connect(resuming) {
    const url = resuming ? `${this.#url}${this.#url.includes("?") ? "&" : "?"}resume=${encodeURIComponent(this.#gateway)}` : this.#url;
    const WebSocketImpl = this.options.WebSocket ?? globalThis.WebSocket;
    const socket = new WebSocketImpl(url, this.#protocols);
    this.#socket = socket;
    socket.addEventListener("open", () => {
      if (resuming) socket.send(JSON.stringify({ resume: this.#token }));
    });
    socket.addEventListener("message", (event) => {
      if (socket === this.#socket) this.#handle(JSON.parse(String(event.data)));
    });
    socket.addEventListener("close", (event) => {
      if (socket === this.#socket) this.#handleClose(event.code, event.reason);
    });
    // Browsers follow an error with a close; Node's WebSocket may not (a refused connection): either
    // way the socket is lost once, here, and a close that follows is ignored.
    socket.addEventListener("error", () => {
      if (socket === this.#socket) {
        this.#socket = null;
        try {
          socket.close();
        } catch {
          // already closing
        }
        this.#handleClose(1006, "");
      }
    });
  }

  #handle(frame) {
    if (frame.session) {
      this.#token = frame.session.token;
      this.#gateway = frame.session.gateway;
      this.#resumeWindowMs = frame.session.resumeWindowMs;
      this.#setState(SessionState.OPEN);
      for (const text of this.#pending.splice(0)) this.#socket.send(text);
    } else if (frame.resumed) {
      this.#attempt = 0;
      this.#lostAt = 0;
      this.#setState(SessionState.OPEN, "resumed");
      const { lastCall, calls } = frame.resumed;
      for (const call of [...this.#calls.values()].sort((a, b) => a.id - b.id)) {
        call.resend(lastCall, calls[call.id]?.ack ?? 0);
      }
    } else if (typeof frame.call === "number") {
      const call = this.#calls.get(frame.call);
      if (call) {
        call.receive(frame);
      } else if (typeof frame.seq === "number" && frame.call < this.#nextId) {
        // A call over here whose last acknowledgement was lost with a socket: the gateway keeps the
        // call, and sends its last frames again, until it hears that they arrived.
        this.transmit(JSON.stringify({ call: frame.call, ack: frame.seq }));
      }
    } else if (frame.error) {
      this.options.onError?.(frame.error, null);
    }
  }

  #handleClose(code, reason) {
    if (this.#closing || this.state === SessionState.LOST) return;
    const inWindow = this.#token !== null && (this.#lostAt === 0 || Date.now() - this.#lostAt < this.#resumeWindowMs);
    if (FINAL_CLOSE_CODES.has(code) || !inWindow) {
      this.#end(SessionState.LOST, status("UNAVAILABLE", `session lost: ${code} ${reason}`.trim(), {}, code, reason));
      return;
    }
    if (this.#lostAt === 0) this.#lostAt = Date.now();
    const delay = this.options.backoff ? this.options.backoff(this.#attempt) : backoff(this.#attempt, 0.8 + Math.random() * 0.4);
    this.#attempt++;
    this.#setState(SessionState.RECONNECTING, { closeCode: code, delayMs: delay, attempt: this.#attempt });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#connect(true);
    }, delay);
  }

  #end(state, final) {
    this.#setState(state, final);
    for (const call of [...this.#calls.values()]) call.fail(final);
    this.#calls.clear();
  }
}

/**
 * Opens a protocol v2 session: `session.openCall(method)` gives calls like grpc-ws-bridge's, any
 * number on one socket. Response credit is granted as the iterator takes responses (a call holds
 * at most its credit); sends wait for the gateway's request credit and the socket's bufferedAmount;
 * a dropped connection is resumed with backoff within the gateway's resume window, with nothing
 * lost or doubled. `onStateChange(state, detail)` tells the page: CONNECTING, OPEN ("resumed"),
 * RECONNECTING, LOST, CLOSED.
 */
export function openSession(options = {}) {
  return new Session(options);
}
