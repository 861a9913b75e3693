package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeleteTrackerTest {

    @Test
    void roundTripsThroughTheOffsetForm() {
        DeleteTracker t = new DeleteTracker();
        assertEquals("", t.serialize());
        t.mark("src", "\u007fVk\u0000v1", DeleteTracker.State.STARTED, 100);
        t.mark("plain", "\u007fMp", DeleteTracker.State.SENT, 101);
        DeleteTracker back = DeleteTracker.parse(t.serialize());
        assertEquals(DeleteTracker.State.STARTED, back.state("src", "\u007fVk\u0000v1"));
        assertEquals(DeleteTracker.State.SENT, back.state("plain", "\u007fMp"));
        assertNull(back.state("src", "\u007fMp"));
    }

    @Test
    void forgetsDeletesThatNeverFinished() {
        DeleteTracker t = new DeleteTracker();
        t.mark("src", "old", DeleteTracker.State.SENT, 100);
        t.mark("src", "new", DeleteTracker.State.SENT, 100 + DeleteTracker.MAX_AGE_SECONDS + 1);
        assertNull(t.state("src", "old"));
        assertEquals(1, t.size());
        for (int i = 0; i < DeleteTracker.MAX_ENTRIES + 5; i++) {
            t.mark("src", "k" + i, DeleteTracker.State.SENT, 5000);
        }
        assertEquals(DeleteTracker.MAX_ENTRIES, t.size());
    }

    @Test
    void rejectsForeignText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeleteTracker.parse("[1,2]"));
        assertTrue(e.getMessage().contains("pending_deletes"), e.getMessage());
    }
}
