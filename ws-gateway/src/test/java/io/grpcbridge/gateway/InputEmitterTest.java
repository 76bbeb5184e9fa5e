package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.grpcbridge.chat.api.Request;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/** The only buffer of a socket's inputs: in order, as demanded, bounded in count and bytes. */
class InputEmitterTest {

    private final AtomicLong heldInputs = new AtomicLong();
    private final AtomicLong heldBytes = new AtomicLong();
    private final InputEmitter<Request> emitter = new InputEmitter<>(3, 30, (inputs, bytes) -> {
        heldInputs.addAndGet(inputs);
        heldBytes.addAndGet(bytes);
    });

    @Test
    void inputsWaitUntilDemandedThenGoInOrder() {
        AssertSubscriber<Request> call = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        emitter.offer(input("a"));
        emitter.offer(input("b"));
        assertThat(call.getItems()).isEmpty();
        assertThat(heldInputs).hasValue(2);

        call.request(1);
        assertThat(texts(call.getItems())).containsExactly("a");
        call.request(5);
        emitter.offer(input("c"));

        assertThat(texts(call.getItems())).containsExactly("a", "b", "c");
        assertThat(heldInputs).hasValue(0);
        assertThat(heldBytes).hasValue(0);
    }

    @Test
    void anInputPastTheCountBoundIsRefused() {
        emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        assertThat(emitter.offer(input("1"))).isTrue();
        assertThat(emitter.offer(input("2"))).isTrue();
        assertThat(emitter.offer(input("3"))).isTrue();

        assertThat(emitter.hasRoomFor(input("4"))).isFalse();
        assertThat(emitter.offer(input("4"))).isFalse();
        assertThat(emitter.waitingInputs()).isEqualTo(3);
    }

    @Test
    void anInputPastTheByteBoundIsRefused() {
        emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        Request twentyBytes = input("x".repeat(18)); // field tag and length: 2 bytes
        assertThat(twentyBytes.getSerializedSize()).isEqualTo(20);
        assertThat(emitter.offer(twentyBytes)).isTrue();

        assertThat(emitter.offer(twentyBytes)).isFalse();
        assertThat(emitter.offer(input("x".repeat(8)))).isTrue();
        assertThat(heldBytes).hasValue(30);
    }

    @Test
    void completingEndsTheStreamAfterTheInputsStillWaiting() {
        AssertSubscriber<Request> call = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        emitter.offer(input("last"));
        emitter.complete();
        call.assertNotTerminated();

        call.request(1);

        assertThat(texts(call.getItems())).containsExactly("last");
        call.assertCompleted();
    }

    @Test
    void discardingDropsWhatWaitsAndGivesItsBytesBack() {
        AssertSubscriber<Request> call = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));
        emitter.offer(input("a"));
        emitter.offer(input("b"));

        emitter.discard();
        call.request(2);

        assertThat(call.getItems()).isEmpty();
        assertThat(heldInputs).hasValue(0);
        assertThat(heldBytes).hasValue(0);
        assertThat(emitter.offer(input("late"))).isFalse();
    }

    @Test
    void aSecondSubscriberIsRefused() {
        emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(0));

        AssertSubscriber<Request> second = emitter.multi().subscribe().withSubscriber(AssertSubscriber.create(1));

        second.assertFailedWith(IllegalStateException.class, "once");
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
