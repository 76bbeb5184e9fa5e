package io.grpcbridge.bench;

/** Bad command line: the tool prints the message and the usage, and exits 2. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
