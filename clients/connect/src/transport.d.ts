// Types of transport.js: a Connect-ES transport over the gateway's method sockets.
import type { Interceptor, Transport } from "@connectrpc/connect";
import type { Registry } from "@bufbuild/protobuf";
import type { CallOptions } from "grpc-ws-bridge";

export interface WebSocketTransportOptions {
  /** The gateway: `http(s)://` or `ws(s)://host[:port][/prefix]`. Default in a page: its own origin. Required elsewhere. */
  baseUrl?: CallOptions["baseUrl"];
  /** The `?client=<id>` the gateway writes on its log lines: 1 to 64 of `[A-Za-z0-9_-]`. */
  client?: string;
  /** A bearer token for every call. A request's own `Authorization: Bearer <token>` header (from call options or an interceptor) wins. */
  token?: string;
  /** Connect interceptors, run around every call as with Connect's own transports. */
  interceptors?: Interceptor[];
  /** The deadline of calls that set no `timeoutMs`, in ms. The transport enforces it: the call is cancelled and fails with `DeadlineExceeded`. */
  defaultTimeoutMs?: number;
  /** protobuf-es's JSON options: the registry that resolves `google.protobuf.Any`'s types (both ways); whether unknown fields in responses are ignored (default false: they fail the call). */
  jsonOptions?: {
    registry?: Registry;
    ignoreUnknownFields?: boolean;
  };
  /** A request's send waits until the socket's bufferedAmount is below this. Default 65536. */
  maxBufferedBytes?: number;
  /** The WebSocket constructor. Default: `globalThis.WebSocket`. */
  WebSocket?: CallOptions["WebSocket"];
  /** The fetch used to tell an unknown method (Unimplemented) from an outage (Unavailable). Default: `globalThis.fetch`. */
  fetch?: CallOptions["fetch"];
  /**
   * Calls on one protocol v2 session instead of a socket each: receiving bounded by `credit`, and a
   * dropped connection resumed with nothing lost. The session's token is `token` (a call's own
   * Authorization header is not used). Default false.
   */
  session?: boolean;
  /** With `session`: the responses each call may hold before it is read. Default 32. */
  credit?: number;
}

/** A Connect `Transport` whose calls are the gateway's method sockets, or one session's calls: all four method kinds. */
export interface WebSocketTransport extends Transport {
  /** Ends the transport's session, if it has one; its calls still running end Canceled. */
  close(): void;
}

export declare function createWebSocketTransport(options?: WebSocketTransportOptions): WebSocketTransport;
