// A Connect-ES transport over the gateway's method sockets (docs/protocol.md, "Method sockets"):
// every method kind of a generated client, in the browser, through grpc-ws-bridge's calls. Messages
// cross the socket in protobuf's canonical JSON, written and read by protobuf-es with the method's
// own schema. README.md says what works and what does not.
import { Code, ConnectError, createContextValues } from "@connectrpc/connect";
import { getAbortSignalReason, runStreamingCall, runUnaryCall } from "@connectrpc/connect/protocol";
import { fromJson, toJson } from "@bufbuild/protobuf";
import { CallError, methodUrl, openCall } from "grpc-ws-bridge";
import { openSession } from "grpc-ws-bridge/session";

/** gRPC's status names in the order of their numbers, which Connect's Code enum shares. */
const STATUS_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

/** Connect's code for a gRPC status name; Unknown for a name gRPC does not have. */
function codeOf(statusName) {
  const code = STATUS_NAMES.indexOf(statusName);
  return code > 0 ? code : Code.Unknown;
}

/**
 * A Connect `Transport` whose calls are the gateway's method sockets: unary, server streaming,
 * client streaming and bidirectional, with headers, trailers, errors, cancellation, deadlines and
 * interceptors as Connect defines them.
 */
export function createWebSocketTransport(options = {}) {
  const writeOptions = { registry: options.jsonOptions?.registry };
  const readOptions = { registry: options.jsonOptions?.registry, ignoreUnknownFields: options.jsonOptions?.ignoreUnknownFields ?? false };

  function request(method, stream, signal, timeoutMs, header, message, contextValues) {
    return {
      interceptors: options.interceptors,
      signal,
      timeoutMs: timeoutMs === undefined ? options.defaultTimeoutMs : timeoutMs <= 0 ? undefined : timeoutMs,
      req: {
        stream,
        service: method.parent,
        method,
        requestMethod: "GET",
        url: methodUrl(methodName(method), options),
        header: new Headers(header),
        contextValues: contextValues ?? createContextValues(),
        message,
      },
    };
  }

  // With `session: true`, every call goes on one protocol v2 session, opened at the first call.
  let session = null;
  const refusalsOf = new WeakMap();
  function sessionCall(req) {
    if (session === null) {
      session = openSession({
        baseUrl: options.baseUrl,
        client: options.client,
        token: options.token,
        credit: options.credit,
        maxBufferedBytes: options.maxBufferedBytes,
        WebSocket: options.WebSocket,
        onError: (error, call) => {
          if (call) {
            refusalsOf.get(call)?.push(error);
            call.cancel();
          }
        },
      });
    }
    const call = session.openCall(methodName(req.method));
    const refusals = [];
    refusalsOf.set(call, refusals);
    const cancel = () => call.cancel();
    if (req.signal.aborted) {
      cancel();
    } else {
      req.signal.addEventListener("abort", cancel, { once: true });
      call.status.then(() => req.signal.removeEventListener("abort", cancel));
    }
    return { call, refusals };
  }

  /** Opens the call (its own socket, or a call of the session); frame errors end it (see README: a request the gateway refused is not skipped). */
  function open(req) {
    if (options.session) {
      return sessionCall(req);
    }
    const refusals = [];
    const call = openCall(methodName(req.method), {
      baseUrl: options.baseUrl,
      client: options.client,
      token: bearerToken(req.header) ?? options.token,
      maxBufferedBytes: options.maxBufferedBytes,
      WebSocket: options.WebSocket,
      fetch: options.fetch,
      signal: req.signal,
      onError: (error) => {
        refusals.push(error);
        call.cancel(`request refused: ${error.code}`);
      },
    });
    return { call, refusals };
  }

  return {
    /** Ends the transport's session, if it has one (its calls still running end CANCELLED). */
    close() {
      session?.close();
      session = null;
    },

    async unary(method, signal, timeoutMs, header, message, contextValues) {
      return runUnaryCall({
        ...request(method, false, signal, timeoutMs, header, message, contextValues),
        next: async (req) => {
          const request = toJson(method.input, req.message, writeOptions); // before the socket: a message that fails opens none
          const { call, refusals } = open(req);
          call.send(request).catch(() => {}); // its failure is the call's status
          let response;
          try {
            for await (const json of call) {
              if (response !== undefined) {
                throw new ConnectError("protocol error: more than one response to a unary call", Code.Unimplemented);
              }
              response = json;
            }
          } catch (thrown) {
            throw await connectError(thrown, call, refusals, req.signal);
          }
          const [headers, status] = await Promise.all([call.headers, call.status]);
          if (response === undefined) {
            throw new ConnectError("protocol error: no response to a unary call", Code.Unimplemented, metadata(headers, status.trailers));
          }
          return {
            stream: false,
            service: method.parent,
            method,
            header: new Headers(headers),
            message: parse(method.output, response, readOptions),
            trailer: new Headers(status.trailers),
          };
        },
      });
    },

    async stream(method, signal, timeoutMs, header, input, contextValues) {
      return runStreamingCall({
        ...request(method, true, signal, timeoutMs, header, input, contextValues),
        next: async (req) => {
          const { call, refusals } = open(req);
          const sending = { failure: undefined };
          void sendAll(call, req.message, method, writeOptions, sending);
          const trailer = new Headers();
          const headers = await call.headers;
          async function* responses() {
            try {
              for await (const json of call) {
                yield parse(method.output, json, readOptions);
              }
            } catch (thrown) {
              copyInto(trailer, (await call.status).trailers);
              throw await connectError(thrown, call, refusals, req.signal, sending.failure);
            }
            copyInto(trailer, (await call.status).trailers);
          }
          return {
            stream: true,
            service: method.parent,
            method,
            header: new Headers(headers),
            message: responses(),
            trailer,
          };
        },
      });
    },
  };
}

/** `package.Service/Method`, the name the gateway's method sockets go by. */
function methodName(method) {
  return `${method.parent.typeName}/${method.name}`;
}

/**
 * Sends every request in order, each once the socket has room (grpc-ws-bridge's pacing), then
 * half-closes. What goes wrong on this side (the request iterable threw, a message would not
 * convert) is kept in `outcome.failure`, and cancels the call. A call may end before its requests
 * do (the server is done): Connect then ends the request iterable, and nothing waits for it here.
 */
async function sendAll(call, requests, method, writeOptions, outcome) {
  try {
    for await (const message of requests) {
      await call.send(toJson(method.input, message, writeOptions));
    }
    await call.end();
  } catch (thrown) {
    if (!(thrown instanceof CallError)) {
      // A CallError means the call ended first: its status says how.
      outcome.failure = thrown;
      call.cancel("the request stream failed");
    }
  }
}

function parse(schema, json, readOptions) {
  try {
    return fromJson(schema, json, readOptions);
  } catch (thrown) {
    throw ConnectError.from(thrown, Code.Internal);
  }
}

/** The ConnectError for a call that ended other than OK: a deadline or an abort as Connect made them, a refused request, or the call's status. */
async function connectError(thrown, call, refusals, signal, localFailure) {
  if (thrown instanceof ConnectError) {
    return thrown;
  }
  if (signal.aborted) {
    return ConnectError.from(getAbortSignalReason(signal), Code.Canceled);
  }
  if (localFailure !== undefined) {
    return ConnectError.from(localFailure, Code.Internal);
  }
  const headers = await call.headers;
  if (refusals.length > 0) {
    const refused = refusals[0];
    return new ConnectError(refused.message, codeOf(refused.code), headers);
  }
  if (thrown instanceof CallError) {
    return new ConnectError(thrown.details, codeOf(thrown.code), metadata(headers, thrown.trailers), undefined, thrown);
  }
  return ConnectError.from(thrown, Code.Internal);
}

/** An error's metadata: the response headers, then the trailers. */
function metadata(headers, trailers) {
  const all = new Headers(headers);
  copyInto(all, trailers);
  return all;
}

function copyInto(target, entries) {
  for (const [name, value] of Object.entries(entries)) {
    target.append(name, value);
  }
}

/** The token of an `Authorization: Bearer <token>` request header, which the gateway takes at the handshake. */
function bearerToken(header) {
  const authorization = header.get("authorization");
  const match = authorization && /^Bearer\s+(\S+)$/i.exec(authorization);
  return match ? match[1] : undefined;
}
