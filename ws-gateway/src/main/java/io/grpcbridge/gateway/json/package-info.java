/**
 * JSON text as the protocol reads it (strict, no member given twice, numbers as written), its
 * length in UTF-8, and protobuf's JSON mapping of any message from its descriptors, with the
 * well-known types held to the proto3 JSON spec. Imports nothing of the gateway.
 */
package io.grpcbridge.gateway.json;
