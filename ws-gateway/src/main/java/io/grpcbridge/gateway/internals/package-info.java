/**
 * Everything the gateway adds to, or reaches into, below the public APIs of Quarkus, Vert.x, Netty
 * and grpc-java: the connection's Netty pipeline (the inbound frame gate, the bounded inflater,
 * flush consolidation, the silence timeout), websockets-next's Vert.x socket, quarkus-grpc's client
 * configuration and interceptors, grpc-java's TLS negotiator, the Vert.x event loop of a context,
 * Quarkus security's identity builder. The one place to check on an upgrade: each assumption has a
 * test in this package that fails when it stops holding, and no class outside it may touch a
 * framework internal ({@code ArchitectureTest}). Imports only {@code config}.
 */
package io.grpcbridge.gateway.internals;
