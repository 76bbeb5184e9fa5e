// Types of grpc-ws-bridge.js: calls of any gRPC method through the gateway's method sockets
// (docs/protocol.md, "Method sockets"). Self-contained: needs neither the DOM lib nor @types/node.

/** A gRPC status code by name: "OK", "CANCELLED", "INVALID_ARGUMENT", "NOT_FOUND", "UNAVAILABLE", ... */
export type StatusCode =
  | "OK"
  | "CANCELLED"
  | "UNKNOWN"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "OUT_OF_RANGE"
  | "UNIMPLEMENTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DATA_LOSS"
  | "UNAUTHENTICATED"
  | (string & {});

/** Headers or trailers: string values; keys ending in `-bin` carry base64. */
export type Metadata = Record<string, string>;

/** How a call ended. `status` always resolves with one. */
export interface CallStatus {
  /** From the gateway's status frame; or, when the socket closed without one, `UNAVAILABLE` (close
   * 1001, 1006, 1011, 1013) or `INTERNAL` (any other close); `CANCELLED` after `cancel()`. */
  readonly code: StatusCode;
  /** The status description. */
  readonly message: string;
  readonly trailers: Metadata;
  /** The WebSocket close code: 1000 after a status frame (1013 for UNAVAILABLE), 1006 for a refused or lost connection. */
  readonly closeCode: number;
  readonly closeReason: string;
}

/** An error frame: a frame the gateway did not take (a bad message, over the input rate, draining). The call goes on. */
export interface FrameError {
  readonly code: StatusCode;
  readonly message: string;
}

/** A call's status as an error: what the iterator throws, `opened` rejects with and `send` rejects with once the call ended. */
export declare class CallError extends Error {
  constructor(status: CallStatus);
  readonly name: "CallError";
  readonly code: StatusCode;
  /** The status description (`message` is `"<code>: <details>"`). */
  readonly details: string;
  readonly trailers: Metadata;
  readonly closeCode: number;
  readonly closeReason: string;
  readonly status: CallStatus;
}

/** The part of the WebSocket API the library uses (a browser's, Node's global, or the `ws` package's). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open", listener: (event: unknown) => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "error", listener: (event: unknown) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The part of AbortSignal the library uses. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface CallOptions {
  /** The gateway: `http(s)://` or `ws(s)://host[:port][/prefix]`. Default in a page: its own origin. Required elsewhere. */
  baseUrl?: string | { readonly href: string; toString(): string };
  /** The `?client=<id>` the gateway writes on its log lines: 1 to 64 of `[A-Za-z0-9_-]`. */
  client?: string;
  /** A bearer token, sent as the subprotocols `bearer-token-carrier` and `quarkus-http-upgrade#Authorization#Bearer%20<token>`. */
  token?: string;
  /** More subprotocols to offer (after the token's). */
  protocols?: string[];
  /** send() resolves only once the socket's bufferedAmount is below this. Default 65536. */
  maxBufferedBytes?: number;
  /** The WebSocket constructor. Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /**
   * The fetch used after a refused handshake to ask the gateway's `/bridge/methods` whether the
   * method exists (a browser cannot see the 404): an unknown method then ends `UNIMPLEMENTED`, not
   * `UNAVAILABLE`. Default: `globalThis.fetch`.
   */
  fetch?: (url: string, init?: { signal?: unknown }) => Promise<{ ok: boolean; json(): Promise<any> }>;
  /** Each error frame. The call goes on; the iterator is not affected. */
  onError?: (error: FrameError, call: Call<any, any>) => void;
  /** Aborting it cancels the call. */
  signal?: AbortSignalLike;
}

/** One gRPC call on one WebSocket. Iterate it (once) for the responses. */
export interface Call<Req = unknown, Res = unknown> extends AsyncIterable<Res> {
  /** `"package.Service/Method"`. */
  readonly method: string;
  /** The socket's URL. */
  readonly url: string;
  /** Resolves when the socket opens (the gateway opens it only when the call can start); rejects with a
   * CallError when it closes first (refused handshake: unknown method 404, 401, 403, 503; seen as close 1006). */
  readonly opened: Promise<void>;
  /** The response headers; `{}` if the call ended without any. Never rejects. */
  readonly headers: Promise<Metadata>;
  /** How the call ended. Never rejects. */
  readonly status: Promise<CallStatus>;
  /** The socket's bufferedAmount: bytes sent but not yet handed to the network. */
  readonly bufferedAmount: number;
  /**
   * Sends `{"message": message}` after every earlier send (waiting for the socket to open). Resolves
   * once the frame is queued and bufferedAmount is below `maxBufferedBytes`, so `await`ing each send
   * paces a fast sender. Rejects with a CallError once the call has ended, and with a TypeError after end().
   */
  send(message: Req): Promise<void>;
  /** Half-closes: sends `{"end": true}` after every earlier send; later sends reject. The promise (which
   * never rejects) resolves once the frame is queued, or is known not to be needed (the call ended). */
  end(): Promise<void>;
  /** Closes the socket with 1000 (the gateway cancels the gRPC call); the status is then CANCELLED.
   * Does nothing once the call has ended or its status frame has arrived. */
  cancel(reason?: string): void;
  /** The responses, in order; ends after the status frame; throws a CallError after the last response if
   * the status is not OK. Breaking out of the loop cancels the call. */
  [Symbol.asyncIterator](): AsyncIterator<Res, undefined, undefined>;
}

/** Opens the socket of one call of `method` (`"package.Service/Method"`). Throws a TypeError for a malformed
 * method, client id or baseUrl, or when there is no WebSocket. */
export declare function openCall<Req = unknown, Res = unknown>(method: string, options?: CallOptions): Call<Req, Res>;

export interface UnaryResult<Res> {
  readonly message: Res;
  readonly headers: Metadata;
  readonly trailers: Metadata;
  readonly status: CallStatus;
}

/** Sends one request and reads the one response. Rejects with a CallError when the status is not OK
 * (or, as INTERNAL, when the call answered other than one message). */
export declare function unary<Req = unknown, Res = unknown>(
  method: string,
  request: Req,
  options?: CallOptions,
): Promise<UnaryResult<Res>>;

/** The URL of a method's socket: `<baseUrl>/ws/<package.Service>/<Method>[?client=<id>]`, http(s) turned into ws(s). */
export declare function methodUrl(method: string, options?: Pick<CallOptions, "baseUrl" | "client">): string;

/** The subprotocols that carry a bearer token through a browser's handshake. */
export declare function bearerProtocols(token: string): string[];

/** Protocol v1's reconnect policy: true after 1001, 1006, 1011, 1013; false after 1000, 1008, 1009 and any other code. */
export declare function retryable(closeCode: number): boolean;

/** The delay in ms before retry `attempt` (0 first): 1 s doubling to 10 s, times `jitter` (default 1), at most 10 s. */
export declare function backoff(attempt: number, jitter?: number): number;

/** What keepOpen needs of a call: a method socket's Call, or a session's (grpc-ws-bridge/session). */
export type KeepableCall<Req = unknown, Res = unknown> = Omit<Call<Req, Res>, "url" | "bufferedAmount" | "cancel"> & {
  cancel(reason?: string): void;
};

export interface KeepOpenOptions<Req, Res, C extends KeepableCall<Req, Res> = Call<Req, Res>> {
  /** Each call opened (the first with attempt 0): wire its sending and reading here. */
  onCall?: (call: C, attempt: number) => void;
  /** Whether a call that ended with `status` is opened again. Default: not OK nor UNIMPLEMENTED, and a close retryable() accepts. For a session's calls: retryableOnSession. */
  retryable?: (status: CallStatus) => boolean;
  /** A call ended with a retryable status; the next opens after `delayMs`. `attempt` counts the retries since the last healthy call, from 1. */
  onRetry?: (status: CallStatus, delayMs: number, attempt: number) => void;
  /** The conversation is over: a call ended with OK or a close not to retry, or stop() was called. */
  onEnd?: (status: CallStatus) => void;
  /** The delay before a retry. Default: backoff(attempt) with a jitter of 0.8 to 1.2. */
  backoff?: (attempt: number) => number;
  /** A call that opened and lasted this long, or received a message, was healthy: the attempts start over. Default 10000. */
  healthyAfterMs?: number;
}

export interface Conversation<Req, Res, C extends KeepableCall<Req, Res> = Call<Req, Res>> {
  /** The current call; null while waiting to retry and after the end. */
  readonly call: C | null;
  /** The status of the call that ended the conversation; rejects only if `open` threw. */
  readonly ended: Promise<CallStatus>;
  /** Cancels the current call (or the pending retry) and ends the conversation. */
  stop(reason?: string): void;
}

/** Keeps a long-lived call going: reopens it with `open(attempt)` after a retryable close (see retryable, backoff). */
export declare function keepOpen<Req = unknown, Res = unknown, C extends KeepableCall<Req, Res> = Call<Req, Res>>(
  open: (attempt: number) => C,
  options?: KeepOpenOptions<Req, Res, C>,
): Conversation<Req, Res, C>;
