/**
 * The gateway as an operated process: its HTTP routes (the method listing, the 404 of an unknown
 * method, the console redirect), readiness, graceful shutdown and the HTTP server's options.
 * Imports any package; none imports it.
 */
package io.grpcbridge.gateway.ops;
