package io.grpcbridge.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** Records what a call's responses were and how the call ended. */
final class Recorder<T> implements StreamObserver<T> {

    final List<T> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    @Override
    public void onNext(T value) {
        received.add(value);
    }

    @Override
    public void onError(Throwable error) {
        closed.complete(Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
        closed.complete(Status.OK);
    }
}
