package io.grpcbridge.gateway.admission;

import io.grpc.Metadata;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.internals.InboundFrameGate;
import io.grpcbridge.gateway.internals.TcpConnection;
import io.opentelemetry.context.Context;
import io.quarkus.websockets.next.UserData;

/**
 * What a permitted upgrade hands its socket, under {@link #KEY}: made by {@link UpgradeGuard},
 * taken by the socket when it opens.
 *
 * @param method the method the socket calls; null for a session ({@link SocketPaths#SESSION}), whose calls name theirs
 * @param slot the connection slot the upgrade reserved; the socket gives it back when it closes
 * @param tcp the TCP connection the socket runs on
 * @param gate what lets the socket's messages in, as fast as the socket takes them
 * @param trace the OpenTelemetry context of the upgrade request (the root context when tracing is off)
 * @param metadata the headers the socket's call carries (empty when there are none)
 * @param warmUp whether the socket is one of the gateway's own warm-up sockets ({@link WarmUpPass}):
 *        its call goes to the warm-up's backend, and it is not logged
 */
public record Admission(BridgedMethod method, ConnectionSlots.Slot slot, TcpConnection tcp, InboundFrameGate gate,
        Context trace, Metadata metadata, boolean warmUp) {

    /** Where an upgrade leaves its admission for the socket. */
    public static final UserData.TypedKey<Admission> KEY = new UserData.TypedKey<>("admission");
}
