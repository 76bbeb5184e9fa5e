package io.grpcbridge.gateway.socket;

import io.grpcbridge.gateway.internals.InboundFrameGate;

/**
 * One socket's end of a protocol v2 session. A socket that opens a session has it at once; a socket
 * that resumes one (it asked for {@code /session?resume}) reads one frame, {@code {"resume":<token>}},
 * and gets the session that token names if its caller is the session's own, or closes 4404.
 * Whatever the socket then reads goes to its session, which runs on its own event loop.
 */
public final class SessionSocket {

    /** Where the socket is. */
    enum State {
        /** Resuming: its first frame, the token, has not been read yet. */
        AWAITING_RESUME,
        /** Its session has it (or is taking it over). */
        ATTACHED,
        /** No session: it is closing. */
        REFUSED
    }

    private final ClientSocket socket;
    private final String caller;
    private final SessionRegistry registry;
    private final Reading reading = new Reading();
    private volatile State state;
    private volatile Session session;
    private volatile InboundFrameGate.Reader sessionReading;
    private boolean tokenRead;

    public SessionSocket(ClientSocket socket, String caller, SessionRegistry registry) {
        this.socket = socket;
        this.caller = caller;
        this.registry = registry;
    }

    /** A new session, opened on this socket: it reads from now on. */
    public void attached(Session opened) {
        session = opened;
        sessionReading = opened.readerOf(socket);
        state = State.ATTACHED;
        socket.read(reading);
    }

    /** A resuming socket: it reads its first frame, the session's token. */
    public void awaitResumeFrame() {
        state = State.AWAITING_RESUME;
        socket.read(reading);
    }

    public void onText(String text) {
        if (state == State.ATTACHED) {
            session.onText(socket, text);
        } else if (state == State.AWAITING_RESUME) {
            resume(SessionFrames.decode(text));
        }
    }

    public void onBinary() {
        if (state == State.ATTACHED) {
            session.onBinary(socket);
        } else if (state == State.AWAITING_RESUME) {
            resume(new SessionFrames.Bad(0, "binary"));
        }
    }

    private void resume(SessionFrames.Frame first) {
        Session named = first instanceof SessionFrames.Resume resume ? registry.find(resume.token()) : null;
        if (named == null) {
            refuse();
            return;
        }
        session = named;
        sessionReading = named.readerOf(socket);
        state = State.ATTACHED;
        named.resume(socket, caller).thenAccept(resumed -> {
            if (!resumed) {
                refuse();
            }
        });
    }

    private void refuse() {
        state = State.REFUSED;
        session = null;
        socket.stopReading();
        socket.close(CloseRules.SESSION_NOT_FOUND, "no session to resume with this token: unknown, over, or another caller's");
    }

    /** The socket is gone with {@code code}. */
    public void onClosed(int code) {
        Session current = session;
        if (current != null) {
            current.onSocketClosed(socket, code);
        }
    }

    public void onFailure(Throwable failure) {
        Session current = session;
        if (current != null) {
            current.onSocketFailure(socket, failure);
        } else {
            socket.close(CloseRules.INTERNAL_ERROR, "gateway error");
        }
    }

    /** Lets in the token frame of a resuming socket, then what its session wants. */
    private final class Reading implements InboundFrameGate.Reader {

        @Override
        public boolean wantsMessage() {
            if (state == State.AWAITING_RESUME) {
                return !tokenRead;
            }
            InboundFrameGate.Reader current = sessionReading;
            return state == State.ATTACHED && current != null && current.wantsMessage();
        }

        @Override
        public void messageRead(int bytes) {
            if (state == State.AWAITING_RESUME) {
                tokenRead = true;
            }
        }

        @Override
        public void readingPaused() {
            InboundFrameGate.Reader current = sessionReading;
            if (current != null) {
                current.readingPaused();
            }
        }

        @Override
        public void readingResumed() {
            InboundFrameGate.Reader current = sessionReading;
            if (current != null) {
                current.readingResumed();
            }
        }

        @Override
        public void messageTooLarge() {
            InboundFrameGate.Reader current = sessionReading;
            if (current != null) {
                current.messageTooLarge();
            } else {
                socket.close(CloseRules.MESSAGE_TOO_BIG, "frame too large");
            }
        }
    }
}
