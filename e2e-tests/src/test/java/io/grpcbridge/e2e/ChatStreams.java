package io.grpcbridge.e2e;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/** The seed's 返回数据流 command as the drain tests use it: ten outputs held in flight, unread. */
final class ChatStreams {

    private static final String REQUEST = "{\"input\":\"返回数据流\"}";
    private static final int OUTPUTS = 10;

    private ChatStreams() {
    }

    /** What a socket that asked for 返回数据流 receives: the echo, then the ten outputs. */
    static List<String> frames() {
        List<String> frames = new ArrayList<>(List.of(REQUEST));
        IntStream.range(0, OUTPUTS).forEach(i -> frames.add("{\"output\":\"数据流 #" + i + "\"}"));
        return frames;
    }

    /**
     * {@code count} sockets, each opened at {@code socketUri}, that asked for 返回数据流 and read nothing
     * yet, returned once {@code chat} has produced every one of their outputs.
     */
    static List<TestSocket> openUnread(int count, Supplier<URI> socketUri, ServiceProcess chat) {
        double producedBefore = Prometheus.sample(chat.uri(), "chat_responses_sent_total");
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(TestSocket.connectWithoutReading(socketUri.get()).send(REQUEST));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Prometheus.sample(chat.uri(), "chat_responses_sent_total") - producedBefore == count * OUTPUTS);
        return sockets;
    }
}
