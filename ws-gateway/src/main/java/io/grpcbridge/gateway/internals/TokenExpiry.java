package io.grpcbridge.gateway.internals;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.websockets.next.runtime.SecuritySupport;
import io.smallrye.mutiny.Uni;

/**
 * Marks a JWT identity with its expiry in the attribute websockets-next watches, so that a socket
 * is closed with 1008 ("Authentication expired") when the token it was opened with expires, rather
 * than outliving it. smallrye-jwt, unlike quarkus-oidc, does not set the attribute itself.
 */
@ApplicationScoped
class TokenExpiry implements SecurityIdentityAugmentor {

    /** The attribute websockets-next schedules the close from (epoch seconds, a Long). */
    static final String EXPIRE_TIME = SecuritySupport.QUARKUS_IDENTITY_EXPIRE_TIME;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.getPrincipal() instanceof JsonWebToken token && identity.getAttribute(EXPIRE_TIME) == null) {
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity)
                    .addAttribute(EXPIRE_TIME, token.getExpirationTime())
                    .build());
        }
        return Uni.createFrom().item(identity);
    }
}
