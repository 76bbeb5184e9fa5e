package io.grpcbridge.gateway.socket;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

/**
 * The gateway's sessions by their resume token: 256 random bits each, so a token cannot be guessed,
 * and a session is resumed only by the caller that opened it ({@link Session#resume}).
 */
@Singleton
public class SessionRegistry {

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    void add(String token, Session session) {
        sessions.put(token, session);
    }

    void remove(String token) {
        sessions.remove(token);
    }

    /** The session with this token, or null. */
    public Session find(String token) {
        return sessions.get(token);
    }

    /** Every session the gateway has now, attached to a socket or waiting for its client. */
    public List<Session> all() {
        return List.copyOf(sessions.values());
    }
}
