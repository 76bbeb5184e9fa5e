package io.grpcbridge.chat.core;

import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.smallrye.mutiny.Multi;

/**
 * One conversation as a stream: each request, in order, is answered by the outputs of
 * {@link Commands}; a command that ends the conversation completes the stream right after its
 * outputs, whether or not the client has finished sending.
 * <p>
 * Stateless: every call gets its own pipeline, so streams share nothing mutable. Plain Java (no CDI):
 * chat-service runs it under gRPC flow control, ws-gateway's tests serve it from a fake chat-service.
 */
public final class ChatService {

    /** Marks the end of a conversation inside the output stream; never sent. */
    private static final Response END_OF_CONVERSATION = Response.getDefaultInstance();

    public Multi<Response> bidStream(Multi<Request> requests) {
        return requests
                .onItem().transformToMultiAndConcatenate(request -> outputsOf(Commands.answer(request.getInput())))
                // Completes the stream and cancels the requests when the marker comes up.
                .select().first(response -> response != END_OF_CONVERSATION);
    }

    private static Multi<Response> outputsOf(Commands.Answer answer) {
        Multi<Response> outputs = Multi.createFrom().iterable(answer.outputs());
        return answer.endsConversation() ? outputs.onCompletion().continueWith(END_OF_CONVERSATION) : outputs;
    }
}
