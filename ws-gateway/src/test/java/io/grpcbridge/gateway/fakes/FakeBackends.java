package io.grpcbridge.gateway.fakes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The gateway under test bridges two real gRPC servers: a fake chat-service (backend {@code chat},
 * {@link FakeChatServer}) and the showcase service (backend {@code showcase}, descriptors from a
 * descriptor set, {@link ShowcaseBackend}). Every test class so marked, under the same test
 * profile, runs against one gateway: Quarkus boots once for all of them, and the fakes are reset
 * before each test.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@WithTestResource(value = FakeChatServer.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = ShowcaseBackend.class, scope = TestResourceScope.MATCHING_RESOURCES)
public @interface FakeBackends {
}
