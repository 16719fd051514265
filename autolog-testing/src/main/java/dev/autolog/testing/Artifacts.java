package dev.autolog.testing;

import java.util.Arrays;
import java.util.Map;
import java.util.StringJoiner;

/** Content equality and printing for maps of artifact bytes. */
final class Artifacts {

    private Artifacts() {
    }

    static boolean equal(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    static int hash(Map<String, byte[]> a) {
        int h = 0;
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    static String describe(Map<String, byte[]> a) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        a.forEach((k, v) -> j.add(k + "=" + v.length + " bytes"));
        return j.toString();
    }
}
