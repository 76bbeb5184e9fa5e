package io.grpcbridge.chat;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Every meter chat-service exposes, named in one place (Prometheus names in the Javadoc). */
@Singleton
public class ChatMetrics implements FlowControlledServerCall.Listener {

    private final AtomicInteger activeStreams = new AtomicInteger();
    private final Counter responsesSent;

    ChatMetrics(MeterRegistry registry) {
        // chat_streams_active: open BidStream calls; back to its old value when every call has ended.
        Gauge.builder("chat.streams.active", activeStreams, AtomicInteger::get)
                .description("Open Chat.BidStream calls")
                .register(registry);
        // chat_responses_sent_total: responses handed to gRPC, i.e. produced under flow control.
        responsesSent = Counter.builder("chat.responses.sent")
                .description("Responses sent on Chat.BidStream calls")
                .register(registry);
    }

    void streamOpened() {
        activeStreams.incrementAndGet();
    }

    @Override
    public void onCallEnded() {
        activeStreams.decrementAndGet();
    }

    @Override
    public void onOutputSent() {
        responsesSent.increment();
    }
}
