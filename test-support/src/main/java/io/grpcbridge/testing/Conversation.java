package io.grpcbridge.testing;

import java.util.Locale;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.showcase.Line;

/**
 * One {@code Converse} call: answers each line with the line upper-cased, and ends when the client
 * half-closes. It asks for the next line only once the answer to the last one has been sent, and
 * sends only while the call is ready ({@link ServerCallStreamObserver#isReady()}), so at most one
 * answer ever waits here and a client that does not read holds back the client that writes.
 * <p>
 * grpc-java runs the call's callbacks one at a time, so the plain fields need no locking.
 */
final class Conversation implements StreamObserver<Line> {

    private final ServerCallStreamObserver<Line> answers;
    /** The answer not yet sent, if any: the bound of this call's buffer is one line. */
    private Line unsent;
    private boolean lineRequested;
    private boolean halfClosed;
    private boolean cancelled;
    private boolean completed;

    private Conversation(ServerCallStreamObserver<Line> answers) {
        this.answers = answers;
    }

    /**
     * Takes over the call's inbound flow control and asks for the first line; must run in the
     * method's invocation, which returns the conversation as the call's request observer.
     */
    static Conversation start(ServerCallStreamObserver<Line> answers) {
        Conversation conversation = new Conversation(answers);
        answers.disableAutoRequest();
        answers.setOnCancelHandler(() -> conversation.cancelled = true);
        answers.setOnReadyHandler(conversation::flush);
        conversation.flush();
        return conversation;
    }

    @Override
    public void onNext(Line line) {
        lineRequested = false;
        unsent = Line.newBuilder().setText(line.getText().toUpperCase(Locale.ROOT)).build();
        flush();
    }

    @Override
    public void onError(Throwable cancelled) {
        // The client went away: the on-cancel handler has already stopped the answers.
    }

    @Override
    public void onCompleted() {
        halfClosed = true;
        flush();
    }

    private void flush() {
        if (cancelled || completed) {
            return;
        }
        if (unsent != null && answers.isReady()) {
            answers.onNext(unsent);
            unsent = null;
        }
        if (unsent == null && halfClosed) {
            completed = true;
            answers.onCompleted();
        } else if (unsent == null && !lineRequested) {
            lineRequested = true;
            answers.request(1);
        }
    }
}
