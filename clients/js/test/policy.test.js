// Unit tests that need no gateway: the reconnect policy (retryable, backoff), URLs, and how a call
// and keepOpen handle closes the gateway cannot be made to produce on demand, with a scripted socket.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backoff, bearerProtocols, CallError, keepOpen, methodUrl, openCall, retryable } from "grpc-ws-bridge";
import { noListing, scripted } from "../test-support/scripted-websocket.js";

describe("reconnect policy", () => {
  test("retryable: after 1001, 1006, 1011 and 1013; not after 1000, 1008, 1009 or codes protocol v1 lacks", () => {
    for (const code of [1001, 1006, 1011, 1013]) {
      assert.equal(retryable(code), true, String(code));
    }
    for (const code of [1000, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 1012, 1014, 1015, 3000, 4000, 0, NaN]) {
      assert.equal(retryable(code), false, String(code));
    }
  });

  test("backoff: 1 s doubling to 10 s", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 10, 1000].map((attempt) => backoff(attempt)), [1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000]);
    assert.equal(backoff(1, 0.8), 1600);
    assert.equal(backoff(3, 1.2), 9600);
    assert.equal(backoff(4, 0.8), 10000);
    assert.equal(backoff(-1), 1000);
  });
});

describe("URLs and options", () => {
  test("methodUrl: http(s) becomes ws(s), a path prefix is kept, the client id is a query parameter", () => {
    assert.equal(methodUrl("showcase.Showcase/Count", { baseUrl: "http://127.0.0.1:8080" }), "ws://127.0.0.1:8080/ws/showcase.Showcase/Count");
    assert.equal(methodUrl("/chat.Chat/BidStream", { baseUrl: "https://example.com/bridge/", client: "3f9a0c1e" }), "wss://example.com/bridge/ws/chat.Chat/BidStream?client=3f9a0c1e");
    assert.equal(methodUrl("a.B/C", { baseUrl: new URL("wss://h:1#x") }), "wss://h:1/ws/a.B/C");
    assert.throws(() => methodUrl("a.B/C", {}), TypeError, "no baseUrl outside a page");
    assert.throws(() => methodUrl("a.B.C", { baseUrl: "http://h" }), TypeError);
    assert.throws(() => methodUrl("a.B/C/D", { baseUrl: "http://h" }), TypeError);
    assert.throws(() => methodUrl("a.B/C", { baseUrl: "ftp://h" }), TypeError);
    assert.throws(() => methodUrl("a.B/C", { baseUrl: "http://h", client: "has space" }), TypeError);
    assert.throws(() => methodUrl("a.B/C", { baseUrl: "http://h", client: "x".repeat(65) }), TypeError);
  });

  test("a page's own origin is the default baseUrl", () => {
    globalThis.location = new URL("https://chat.example.com:8443/some/page.html?x=1");
    try {
      assert.equal(methodUrl("a.B/C"), "wss://chat.example.com:8443/ws/a.B/C");
    } finally {
      delete globalThis.location;
    }
  });

  test("a token is offered as the bearer-token subprotocol pair, before other protocols", () => {
    assert.deepEqual(bearerProtocols("abc.def-ghi_jkl"), ["bearer-token-carrier", "quarkus-http-upgrade#Authorization#Bearer%20abc.def-ghi_jkl"]);
    const sockets = [];
    openCall("a.B/C", { baseUrl: "http://h", token: "t0k", protocols: ["extra"], WebSocket: scripted(sockets), fetch: noListing });
    assert.deepEqual(sockets[0].protocols, ["bearer-token-carrier", "quarkus-http-upgrade#Authorization#Bearer%20t0k", "extra"]);
  });
});

describe("closes without a status frame", () => {
  test("a refused handshake as Node reports it (error, no close event) rejects opened and ends UNAVAILABLE 1006", async () => {
    const sockets = [];
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing });
    const sent = call.send({ x: 1 });
    sockets[0].fail();
    await assert.rejects(call.opened, (e) => e instanceof CallError && e.code === "UNAVAILABLE" && e.closeCode === 1006);
    await assert.rejects(sent, CallError);
    assert.deepEqual(sockets[0].sent, []);
    assert.equal((await call.status).closeCode, 1006);
  });

  test("a refused handshake for a method the gateway does not list ends UNIMPLEMENTED, and keepOpen gives up on it", async () => {
    const sockets = [];
    const asked = [];
    const listing = async (url) => {
      asked.push(url);
      return { ok: true, json: async () => ({ methods: [{ name: "chat.Chat/BidStream" }] }) };
    };
    const ended = keepOpen(() => openCall("chat.Chat/Typo", { baseUrl: "http://h/prefix/", WebSocket: scripted(sockets), fetch: listing })).ended;
    sockets[0].fail();
    sockets[0].closed(1006);
    const status = await ended;
    assert.equal(status.code, "UNIMPLEMENTED");
    assert.match(status.message, /unknown method chat\.Chat\/Typo/);
    assert.deepEqual(asked, ["http://h/prefix/bridge/methods"]);
    assert.equal(sockets.length, 1, "not retried");
  });

  test("a refused handshake as browsers report it (error, then close 1006) ends once", async () => {
    const sockets = [];
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing });
    sockets[0].fail();
    sockets[0].closed(1006);
    await assert.rejects(call.opened, CallError);
    assert.deepEqual(await call.status, { code: "UNAVAILABLE", message: "the connection was refused or lost (close 1006, no status frame)", trailers: {}, closeCode: 1006, closeReason: "" });
  });

  test("a connection lost mid-call: the messages already received are yielded, then UNAVAILABLE; headers resolve", async () => {
    const sockets = [];
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing });
    sockets[0].open();
    await call.opened;
    sockets[0].frame({ headers: { "x-a": "1" } });
    sockets[0].frame({ message: { n: 1 } });
    sockets[0].frame({ message: { n: 2 } });
    sockets[0].closed(1011, "chat-service: boom");
    const got = [];
    await assert.rejects(async () => {
      for await (const m of call) got.push(m);
    }, (e) => e instanceof CallError && e.code === "UNAVAILABLE" && e.closeCode === 1011 && e.details === "chat-service: boom");
    assert.deepEqual(got, [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(await call.headers, { "x-a": "1" });
  });

  test("a close protocol v1 does not retry, without a status frame, is INTERNAL", async () => {
    const sockets = [];
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing });
    sockets[0].open();
    sockets[0].closed(1008, "Authentication expired");
    const status = await call.status;
    assert.equal(status.code, "INTERNAL");
    assert.equal(status.closeCode, 1008);
    assert.equal(status.message, "Authentication expired");
  });

  test("a status frame, then its close: the status has both; frames in between and after are ignored", async () => {
    const sockets = [];
    const errors = [];
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing, onError: (e) => errors.push(e) });
    sockets[0].open();
    sockets[0].frame({ error: { code: "INVALID_ARGUMENT", message: "bad" } });
    sockets[0].frame({ message: 1 });
    sockets[0].frame({ status: { code: "UNAVAILABLE", message: "down", trailers: { t: "x" } } });
    sockets[0].frame({ message: 2 });
    sockets[0].closed(1013, "unavailable");
    assert.deepEqual(errors, [{ code: "INVALID_ARGUMENT", message: "bad" }]);
    const got = [];
    await assert.rejects(async () => {
      for await (const m of call) got.push(m);
    }, (e) => e.code === "UNAVAILABLE" && e.closeCode === 1013 && e.trailers.t === "x");
    assert.deepEqual(got, [1]);
  });

  test("cancel before the socket opens rejects opened with CANCELLED", async () => {
    const sockets = [];
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing });
    call.cancel();
    await assert.rejects(call.opened, (e) => e.code === "CANCELLED");
    assert.equal(sockets[0].closedWith.code, 1000);
  });

  test("an AbortSignal cancels the call; a close reason is cut to 123 bytes on a character boundary", async () => {
    const sockets = [];
    const controller = new AbortController();
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing, signal: controller.signal });
    sockets[0].open();
    controller.abort("界".repeat(50));
    const status = await call.status;
    assert.equal(status.code, "CANCELLED");
    assert.equal(sockets[0].closedWith.reason, "界".repeat(41));
  });

  test("sends wait for the socket to open, keep their order, and end() comes after them", async () => {
    const sockets = [];
    const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing });
    const sends = [call.send({ a: 1 }), call.send("two")];
    const ended = call.end();
    assert.deepEqual(sockets[0].sent, []);
    sockets[0].open();
    await Promise.all(sends);
    await ended;
    await assert.rejects(call.send("three"), TypeError);
    assert.deepEqual(sockets[0].sent, ['{"message":{"a":1}}', '{"message":"two"}', '{"end":true}']);
  });
});

describe("keepOpen", () => {
  test("reopens after retryable closes with backoff, starts over after a healthy call, and stops at a close not to retry", async () => {
    const sockets = [];
    const WebSocket = scripted(sockets);
    const calls = [];
    const retries = [];
    const ended = keepOpen((attempt) => openCall("chat.Chat/BidStream", { baseUrl: "http://h", WebSocket, fetch: noListing, client: `c${attempt}` }), {
      backoff: (attempt) => attempt, // no real waiting in a test
      onCall: (call, attempt) => calls.push(attempt),
      onRetry: (status, delay, attempt) => retries.push([status.closeCode, delay, attempt]),
    }).ended;
    const nextSocket = async (n) => {
      while (sockets.length < n) await new Promise((resolve) => setImmediate(resolve));
      return sockets[n - 1];
    };
    (await nextSocket(1)).fail(); // refused
    (await nextSocket(2)).closed(1006); // refused again
    const third = await nextSocket(3);
    third.open();
    third.frame({ message: { output: "hi" } }); // healthy: the next retry starts over
    third.closed(1011, "chat-service: restarting");
    const fourth = await nextSocket(4);
    fourth.open();
    fourth.frame({ status: { code: "OK", message: "", trailers: {} } });
    fourth.closed(1000);
    const status = await ended;
    assert.equal(status.code, "OK");
    assert.deepEqual(calls, [0, 1, 2, 1]);
    assert.deepEqual(retries, [[1006, 0, 1], [1006, 1, 2], [1011, 0, 1]]);
    assert.deepEqual(sockets.map((s) => new URL(s.url).searchParams.get("client")), ["c0", "c1", "c2", "c1"]);
  });

  test("stop() cancels the current call and ends the conversation", async () => {
    const sockets = [];
    const conversation = keepOpen(() => openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing }));
    sockets[0].open();
    conversation.stop("bye");
    const status = await conversation.ended;
    assert.equal(status.code, "CANCELLED");
    assert.equal(conversation.call, null);
    assert.equal(sockets.length, 1);
  });
});
