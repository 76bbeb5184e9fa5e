package io.grpcbridge.bench;

/** One way of loading the gateway; returns the figures it measured. */
interface LoadMode {

    Report run(Options options, Target target) throws Exception;
}
