package io.grpcbridge.gateway.endpoint;

import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.admission.UpgradeGuard;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.grpcbridge.gateway.socket.EnvelopeFrames;
import io.grpcbridge.gateway.socket.FrameFormat;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.WebSocket;

/**
 * {@code /ws/package.Service/Method}: any exposed method ({@link MethodCatalog}), of any kind, in
 * the envelope frames of method sockets ({@link EnvelopeFrames}, docs/protocol.md). The upgrade
 * ({@link UpgradeGuard}) has already found the method; an unknown one never gets here (404).
 */
@WebSocket(path = SocketPaths.METHOD_SOCKETS, inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class MethodWebSocket extends BridgeEndpoint {

    MethodWebSocket(BridgeSockets sockets) {
        super(sockets);
    }

    @Override
    protected FrameFormat framesFor(BridgedMethod method) {
        return new EnvelopeFrames(method);
    }
}
