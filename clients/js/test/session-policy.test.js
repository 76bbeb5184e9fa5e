// grpc-ws-session's resume and loss, driven by a scripted WebSocket: the closes and answers a
// gateway cannot be made to give on demand. No gateway needed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CallError, keepOpen } from "grpc-ws-bridge";
import { SessionState, openSession, retryableOnSession } from "grpc-ws-bridge/session";
import { scripted } from "../test-support/scripted-websocket.js";

const SESSION = { session: { token: "secret", gateway: "gw-1", resumeWindowMs: 30_000, maxCalls: 100, requestCredit: 8 } };

function started() {
  const sockets = [];
  const states = [];
  const session = openSession({
    baseUrl: "http://gateway.test", WebSocket: scripted(sockets), backoff: () => 0,
    onStateChange: (state, detail) => states.push(detail === "resumed" ? "RESUMED" : state),
  });
  sockets[0].open();
  sockets[0].frame(SESSION);
  return { session, sockets, states };
}

/** Turns the event loop (timers of 0 ms included) until `condition` holds; fails after 10,000 turns, whatever the time. */
async function until(condition) {
  for (let turn = 0; turn < 10_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`never came: ${condition}`);
}

describe("session resume and loss", () => {
  test("a lost connection resumes on a new socket that presents the token, and sends again what the gateway lacks", async () => {
    const { session, sockets, states } = started();
    const call = session.openCall("showcase.Showcase/Sum");
    sockets[0].frame({ call: 1, seq: 1, credit: 8 });
    await call.send({ value: 1 });
    await call.send({ value: 2 });
    assert.deepEqual(sockets[0].sent.map((f) => JSON.parse(f)).filter((f) => f.seq), [
      { call: 1, seq: 1, message: { value: 1 } }, { call: 1, seq: 2, message: { value: 2 } }]);

    sockets[0].closed(1006);
    await until(() => sockets.length === 2);
    assert.equal(sockets.length, 2);
    assert.match(sockets[1].url, /\/session\?resume=gw-1$/);
    sockets[1].open();
    assert.deepEqual(JSON.parse(sockets[1].sent[0]), { resume: "secret" });
    sockets[1].frame({ resumed: { lastCall: 1, calls: { 1: { ack: 1 } } } });
    assert.deepEqual(sockets[1].sent.slice(1).map((f) => JSON.parse(f)), [{ call: 1, seq: 2, message: { value: 2 } }],
      "only the request the gateway did not have");
    assert.deepEqual(states, [SessionState.OPEN, SessionState.RECONNECTING, "RESUMED"]);
    session.close();
  });

  test("a resume the gateway refuses (4404) loses the session: every call still running ends UNAVAILABLE", async () => {
    const { session, sockets, states } = started();
    const call = session.openCall("showcase.Showcase/Count");
    sockets[0].closed(1006);
    await until(() => sockets.length === 2);
    sockets[1].open();
    sockets[1].closed(4404, "no session to resume with this token: unknown, over, or another caller's");
    await assert.rejects((async () => { for await (const ignored of call) { /* nothing comes */ } })(),
      (e) => e instanceof CallError && e.code === "UNAVAILABLE");
    assert.equal(states.at(-1), SessionState.LOST);
    assert.throws(() => session.openCall("showcase.Showcase/Echo"), TypeError);
  });

  test("frames the gateway sends again after a resume are taken once", async () => {
    const { session, sockets } = started();
    const call = session.openCall("showcase.Showcase/Count", { credit: 4 });
    sockets[0].frame({ call: 1, seq: 1, credit: 1 });
    sockets[0].frame({ call: 1, seq: 2, message: { index: "0" } });
    sockets[0].closed(1006);
    await until(() => sockets.length === 2);
    sockets[1].open();
    sockets[1].frame({ resumed: { lastCall: 1, calls: { 1: { ack: 1 } } } });
    sockets[1].frame({ call: 1, seq: 2, message: { index: "0" } });
    sockets[1].frame({ call: 1, seq: 3, message: { index: "1" } });
    sockets[1].frame({ call: 1, seq: 4, status: { code: "OK", message: "", trailers: {} } });
    const indexes = [];
    for await (const tick of call) indexes.push(tick.index);
    assert.deepEqual(indexes, ["0", "1"]);
    session.close();
  });

  test("a finished call's frames the gateway sends again after a resume are acknowledged, so that it can forget the call", async () => {
    const { session, sockets, states } = started();
    const call = session.openCall("showcase.Showcase/Echo");
    sockets[0].frame({ call: 1, seq: 1, credit: 1 });
    sockets[0].frame({ call: 1, seq: 2, status: { code: "OK", message: "", trailers: {} } });
    assert.equal((await call.status).code, "OK");
    sockets[0].closed(1006); // before the status's acknowledgement went out
    await until(() => sockets.length === 2);
    sockets[1].open();
    sockets[1].frame({ resumed: { lastCall: 1, calls: { 1: { ack: 0 } } } });
    sockets[1].frame({ call: 1, seq: 1, credit: 1 });
    sockets[1].frame({ call: 1, seq: 2, status: { code: "OK", message: "", trailers: {} } });
    assert.deepEqual(sockets[1].sent.slice(1).map((f) => JSON.parse(f)), [{ call: 1, ack: 1 }, { call: 1, ack: 2 }]);
    assert.deepEqual(states, [SessionState.OPEN, SessionState.RECONNECTING, "RESUMED"]);
    session.close();
  });

  test("each try to resume says its attempt, from 1 after every drop", async () => {
    const attempts = [];
    const sockets = [];
    const session = openSession({
      baseUrl: "http://gateway.test", WebSocket: scripted(sockets), backoff: () => 0,
      onStateChange: (state, detail) => state === SessionState.RECONNECTING && attempts.push(detail.attempt),
    });
    sockets[0].open();
    sockets[0].frame(SESSION);
    sockets[0].closed(1006);
    await until(() => sockets.length === 2);
    sockets[1].closed(1006);
    await until(() => sockets.length === 3);
    sockets[2].open();
    sockets[2].frame({ resumed: { lastCall: 0, calls: {} } });
    sockets[2].closed(1006);
    assert.deepEqual(attempts, [1, 2, 1]);
    session.close();
    session.close(); // a second close changes nothing
  });

  test("reconnectNow() tries to resume at once instead of at the end of the backoff", async () => {
    const sockets = [];
    const session = openSession({ baseUrl: "http://gateway.test", WebSocket: scripted(sockets), backoff: () => 60_000 });
    session.reconnectNow(); // not reconnecting: nothing happens
    sockets[0].open();
    sockets[0].frame(SESSION);
    sockets[0].closed(1006);
    assert.equal(sockets.length, 1, "waiting out a minute of backoff");
    session.reconnectNow();
    assert.equal(sockets.length, 2);
    assert.match(sockets[1].url, /\?resume=gw-1$/);
    session.reconnectNow(); // already trying: no second socket
    assert.equal(sockets.length, 2);
    session.close();
  });

  test("a call the gateway refuses is never opened: its opened promise rejects with the status", async () => {
    const { session, sockets } = started();
    const call = session.openCall("chat.Chat/BidStream");
    sockets[0].frame({ call: 1, seq: 1, status: { code: "UNAVAILABLE", message: "chat unavailable", trailers: {} } });
    await assert.rejects(call.opened, (e) => e instanceof CallError && e.code === "UNAVAILABLE");
    session.close();
  });
});

describe("keepOpen over a session (retryableOnSession)", () => {
  test("a call that ends UNAVAILABLE opens again on the same session; one that ends OK does not", async () => {
    const { session, sockets } = started();
    const retried = [];
    const conversation = keepOpen(() => session.openCall("chat.Chat/BidStream"), {
      retryable: retryableOnSession,
      backoff: () => 0,
      onRetry: (status) => retried.push(status.code),
    });
    sockets[0].frame({ call: 1, seq: 1, status: { code: "UNAVAILABLE", message: "chat unavailable", trailers: {} } });
    const opens = () => sockets[0].sent.map((f) => JSON.parse(f)).filter((f) => f.open).map((f) => f.call);
    await until(() => opens().length === 2);
    assert.deepEqual(opens(), [1, 2]);
    sockets[0].frame({ call: 2, seq: 1, credit: 8 });
    sockets[0].frame({ call: 2, seq: 2, status: { code: "OK", message: "", trailers: {} } });
    assert.equal((await conversation.ended).code, "OK");
    assert.deepEqual(retried, ["UNAVAILABLE"]);
    assert.deepEqual(opens(), [1, 2]);
    session.close();
  });

  test("the session's loss is retried after the closes a new session may get past, and only those", () => {
    const lost = (closeCode) => ({ code: "UNAVAILABLE", message: "session lost", trailers: {}, closeCode, closeReason: "" });
    assert.deepEqual([1001, 1006, 1011, 4404].filter((code) => retryableOnSession(lost(code))), [1001, 1006, 1011, 4404]);
    assert.deepEqual([1008, 1009, 1013, 4000].filter((code) => retryableOnSession(lost(code))), []);
    for (const code of ["OK", "UNKNOWN", "INTERNAL", "RESOURCE_EXHAUSTED", "UNIMPLEMENTED", "CANCELLED"]) {
      assert.equal(retryableOnSession({ code, message: "", trailers: {}, closeCode: 1000, closeReason: "" }), false, code);
    }
  });
});
