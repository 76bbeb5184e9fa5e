package io.grpcbridge.gateway;

import io.quarkus.websockets.next.WebSocket;

/**
 * {@code /ws/package.Service/Method}: any exposed method ({@link MethodCatalog}), of any kind, in
 * the envelope frames of method sockets ({@link EnvelopeFrames}, docs/protocol.md). The upgrade
 * ({@link UpgradeGuard}) has already found the method; an unknown one never gets here (404).
 */
@WebSocket(path = "/ws/{service}/{method}")
public class MethodWebSocket extends BridgeEndpoint {

    MethodWebSocket(BridgeSockets sockets) {
        super(sockets);
    }

    @Override
    FrameFormat framesFor(BridgedMethod method) {
        return new EnvelopeFrames(method);
    }
}
