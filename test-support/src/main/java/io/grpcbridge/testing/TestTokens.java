package io.grpcbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Bearer tokens (RS256 JWTs) for tests, signed with a key pair made for tests only:
 * {@code test-jwt/private.pem}, whose public half {@code test-jwt/public.pem} the gateway under test
 * verifies with. Neither key is trusted anywhere else.
 */
public final class TestTokens {

    /** The issuer the gateway under test expects ({@code mp.jwt.verify.issuer}). */
    public static final String ISSUER = "https://issuer.test";
    /** Classpath location of the verification key. */
    public static final String PUBLIC_KEY_RESOURCE = "test-jwt/public.pem";

    private static final PrivateKey TEST_KEY = privateKey(pem("test-jwt/private.pem"));

    private TestTokens() {
    }

    /** A token for {@code user}, valid for ten minutes. */
    public static String forUser(String user) {
        return forUser(user, Duration.ofMinutes(10));
    }

    /** A token for {@code user}, valid for {@code validFor} from now. */
    public static String forUser(String user, Duration validFor) {
        return signed(user, ISSUER, validFor, TEST_KEY);
    }

    /** A token for {@code user} that expired five minutes ago (beyond the one-minute clock-skew allowance). */
    public static String expiredFor(String user) {
        return signed(user, ISSUER, Duration.ofMinutes(-5), TEST_KEY);
    }

    /** A token for {@code user}, signed with the right key but naming another issuer. */
    public static String fromAnotherIssuerFor(String user) {
        return signed(user, "https://other-issuer.test", Duration.ofMinutes(10), TEST_KEY);
    }

    /** A well-formed token for {@code user} signed with a key the gateway does not know. */
    public static String forgedFor(String user) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return signed(user, ISSUER, Duration.ofMinutes(10), generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The JVM options that make a gateway process (which has no test classpath) verify these
     * tokens: the verification key as a file, as an operator would configure it, and the issuer.
     */
    public static List<String> verificationOptions() {
        try {
            Path key = Files.createTempFile("test-jwt-public", ".pem");
            key.toFile().deleteOnExit();
            Files.writeString(key, pem(PUBLIC_KEY_RESOURCE));
            return List.of("-Dmp.jwt.verify.publickey.location=" + key, "-Dmp.jwt.verify.issuer=" + ISSUER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a browser offers to carry {@code token}: a subprotocol the gateway accepts, and one that
     * websockets-next turns into an {@code Authorization: Bearer} header (docs/operations.md).
     */
    public static List<String> subprotocolsCarrying(String token) {
        return List.of("bearer-token-carrier", "quarkus-http-upgrade#Authorization#Bearer%20" + token);
    }

    private static String signed(String user, String issuer, Duration validFor, PrivateKey key) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user);
        claims.setClaim("upn", user);
        claims.setIssuedAtToNow();
        NumericDate expiry = NumericDate.now();
        expiry.addSeconds(validFor.toSeconds());
        claims.setExpirationTime(expiry);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String resource) {
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
