package io.grpcbridge.gateway.admission;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.inject.Singleton;

/**
 * What lets the gateway's own warm-up sockets in, and nobody else's: a random secret, made at start-up
 * and never written anywhere, sent in {@link #HEADER} by the warm-up, honoured only while the warm-up
 * runs. A socket that shows it skips the Origin and token checks (it is the gateway talking to
 * itself) and calls the warm-up's in-process backend instead of the method's own.
 */
@Singleton
public class WarmUpPass {

    public static final String HEADER = "X-Gateway-Warm-Up";

    private final byte[] secret;
    private volatile boolean open;

    WarmUpPass() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.secret = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
    }

    /** The value of {@link #HEADER} that admits a warm-up socket. */
    public String secret() {
        return new String(secret, StandardCharsets.US_ASCII);
    }

    public void open() {
        open = true;
    }

    /** From now on, no socket is admitted as a warm-up one. */
    public void close() {
        open = false;
    }

    /** Whether an upgrade that sent {@code header} (null when it sent none) is one of the warm-up's. */
    boolean admits(String header) {
        return header != null && open && MessageDigest.isEqual(secret, header.getBytes(StandardCharsets.US_ASCII));
    }
}
