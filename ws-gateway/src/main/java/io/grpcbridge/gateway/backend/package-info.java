/**
 * The gRPC side: which backends are configured, their channels (one per event loop, replicas
 * through Stork), whether they are connected, the calls under gRPC flow control, and the catalog of
 * exposed methods from descriptor sets or server reflection. Imports {@code config},
 * {@code internals} and {@code json}.
 */
package io.grpcbridge.gateway.backend;
