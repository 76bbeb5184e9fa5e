/**
 * Who may open a socket, before the handshake completes: origins, draining, the method a URL names
 * (the one path table), connection slots, authentication, a connected backend, and the
 * {@code Admission} an accepted upgrade hands its socket, with the metadata its call will carry.
 * Imports every package below: {@code config}, {@code internals}, {@code json}, {@code backend},
 * {@code socket}.
 */
package io.grpcbridge.gateway.admission;
