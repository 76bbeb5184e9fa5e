package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.grpcbridge.chat.api.Request;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/** The only buffer of a socket's inputs: in order, as demanded; what leaves is told with its frame's bytes. */
class InputEmitterTest {

    private final AtomicLong heldInputs = new AtomicLong();
    private final AtomicLong heldBytes = new AtomicLong();
    private final InputEmitter<Request> emitter = new InputEmitter<>((inputs, bytes) -> {
        heldInputs.addAndGet(-inputs);
        heldBytes.addAndGet(-bytes);
    });

    @Test
    void inputsWaitUntilDemandedThenGoInOrder() {
        AssertSubscriber<Request> call = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        offer("a", 10);
        offer("b", 10);
        assertThat(call.getItems()).isEmpty();
        assertThat(emitter.waitingInputs()).isEqualTo(2);

        call.request(1);
        assertThat(texts(call.getItems())).containsExactly("a");
        call.request(5);
        offer("c", 10);

        assertThat(texts(call.getItems())).containsExactly("a", "b", "c");
        assertThat(heldInputs).hasValue(-3);
        assertThat(heldBytes).hasValue(-30);
    }

    @Test
    void eachInputLeavesWithTheBytesOfTheFrameItCameIn() {
        AssertSubscriber<Request> call = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        offer("1", 100);
        offer("2", 250);

        call.request(1);
        assertThat(heldBytes).hasValue(-100);
        assertThat(emitter.waitingBytes()).isEqualTo(250);
        call.request(1);
        assertThat(heldBytes).hasValue(-350);
        assertThat(heldInputs).hasValue(-2);
    }

    @Test
    void completingEndsTheStreamAfterTheInputsStillWaiting() {
        AssertSubscriber<Request> call = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        offer("last", 10);
        emitter.complete();
        call.assertNotTerminated();

        call.request(1);

        assertThat(texts(call.getItems())).containsExactly("last");
        call.assertCompleted();
    }

    @Test
    void discardingDropsWhatWaitsAndGivesItsBytesBack() {
        AssertSubscriber<Request> call = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        offer("a", 10);
        offer("b", 15);

        emitter.discard();
        call.request(2);

        assertThat(call.getItems()).isEmpty();
        assertThat(heldInputs).hasValue(-2);
        assertThat(heldBytes).hasValue(-25);
        assertThat(emitter.offer(input("late"), 10)).isFalse();
    }

    @Test
    void aSecondSubscriberIsRefused() {
        emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));

        AssertSubscriber<Request> second = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(1));

        second.assertFailedWith(IllegalStateException.class, "once");
    }

    private void offer(String text, int frameBytes) {
        assertThat(emitter.offer(input(text), frameBytes)).isTrue();
    }

    private static Request input(String text) {
        return Request.newBuilder().setInput(text).build();
    }

    private static List<String> texts(List<Request> requests) {
        List<String> texts = new ArrayList<>();
        requests.forEach(request -> texts.add(request.getInput()));
        return texts;
    }
}
