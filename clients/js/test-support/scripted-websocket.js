// What the library's offline tests drive instead of a network: a WebSocket whose events the test
// fires. Kept out of test/, where node --test would take it for a test file.

/** A WebSocket constructor whose sockets the test drives; each one created is pushed to `sockets`. */
export function scripted(sockets) {
  return class ScriptedWebSocket extends EventTarget {
    readyState = 0;
    bufferedAmount = 0;
    sent = [];
    closedWith = null;
    constructor(url, protocols) {
      super();
      this.url = url;
      this.protocols = protocols;
      sockets.push(this);
    }
    send(data) {
      this.sent.push(data);
    }
    close(code, reason) {
      if (this.readyState >= 2) return;
      this.closedWith = { code, reason };
      this.readyState = 2;
    }
    // what the network does
    open() {
      this.readyState = 1;
      this.dispatchEvent(new Event("open"));
    }
    frame(object) {
      this.raw(JSON.stringify(object));
    }
    raw(data) {
      this.dispatchEvent(Object.assign(new Event("message"), { data }));
    }
    fail() {
      this.dispatchEvent(new Event("error"));
    }
    closed(code, reason = "") {
      this.readyState = 3;
      this.dispatchEvent(Object.assign(new Event("close"), { code, reason }));
    }
  };
}

/** No gateway answers /bridge/methods: a refused handshake is then an outage. */
export const noListing = async () => {
  throw new Error("no gateway here");
};
