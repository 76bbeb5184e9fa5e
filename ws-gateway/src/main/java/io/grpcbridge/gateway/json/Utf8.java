package io.grpcbridge.gateway.json;

/** The length of frames' text in UTF-8, counted without encoding it. */
public final class Utf8 {

    private Utf8() {
    }

    /** Whether {@code text} is longer than {@code maxBytes} in UTF-8. */
    public static boolean longerThan(String text, int maxBytes) {
        int chars = text.length();
        if (chars > maxBytes) {
            return true;
        }
        return (long) chars * 3 > maxBytes && length(text, maxBytes) > maxBytes;
    }

    /** {@code text}'s length in UTF-8 bytes. */
    public static int length(String text) {
        return length(text, Integer.MAX_VALUE);
    }

    /**
     * {@code text}'s length in UTF-8, counted until it passes {@code stopAfter}. A surrogate pair
     * (a character outside the Basic Multilingual Plane, e.g. an emoji) is 4 bytes: 2 per half.
     */
    private static int length(String text, int stopAfter) {
        int bytes = 0;
        for (int i = 0; i < text.length() && bytes <= stopAfter; i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
