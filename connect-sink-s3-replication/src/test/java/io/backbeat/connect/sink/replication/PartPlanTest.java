package io.backbeat.connect.sink.replication;

import static io.backbeat.connect.sink.replication.PartPlan.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PartPlanTest {

    private static final long GIB = 1024 * MIB;

    @Test
    void objectUpToBaseSizeIsOnePart() {
        PartPlan plan = PartPlan.of(16 * MIB, PartPlan.BACKBEAT);
        assertEquals(1, plan.partCount());
        assertEquals(new PartPlan.Range(1, 0, 16 * MIB - 1), plan.parts().get(0));
    }

    @Test
    void smallObjectsUseBasePartSizeWithShortLastPart() {
        PartPlan plan = PartPlan.of(40 * MIB + 3, PartPlan.BACKBEAT);
        assertEquals(16 * MIB, plan.partSize());
        assertEquals(List.of(new PartPlan.Range(1, 0, 16 * MIB - 1),
                new PartPlan.Range(2, 16 * MIB, 32 * MIB - 1),
                new PartPlan.Range(3, 32 * MIB, 40 * MIB + 2)), plan.parts());
        assertEquals("bytes=16777216-33554431", plan.parts().get(1).header());
    }

    @Test
    void partSizeDoublesToStayWithinThousandParts() {
        // 16 MiB * 1000 < 20 GiB <= 32 MiB * 1000: one doubling
        assertEquals(32 * MIB, PartPlan.of(20 * GIB, PartPlan.BACKBEAT).partSize());
        // exactly 1000 parts of 16 MiB: no doubling
        assertEquals(16 * MIB, PartPlan.of(16 * MIB * 1000, PartPlan.BACKBEAT).partSize());
        assertEquals(32 * MIB, PartPlan.of(16 * MIB * 1000 + 1, PartPlan.BACKBEAT).partSize());
    }

    @Test
    void doublingForTargetStopsAt512MibThenTenThousandPartsRule() {
        // 1 TiB: 512 MiB parts give 2048 parts (> 1000 but the 512 MiB cap stops the first loop)
        PartPlan tib = PartPlan.of(1024 * GIB, PartPlan.BACKBEAT);
        assertEquals(512 * MIB, tib.partSize());
        assertEquals(2048, tib.partCount());
        // 5 TiB + a bit: 512 MiB would give > 10,000 parts, so 1 GiB
        PartPlan huge = PartPlan.of(5 * 1024 * GIB + 1, PartPlan.BACKBEAT);
        assertEquals(1 * GIB, huge.partSize());
        assertTrue(huge.partCount() <= PartPlan.MAX_PARTS);
    }

    @Test
    void partsCoverTheObjectExactly() {
        for (long size : new long[] {1, 5 * MIB, 16 * MIB + 1, 2 * GIB, 123_456_789_012L}) {
            PartPlan plan = PartPlan.of(size, PartPlan.BACKBEAT);
            long next = 0;
            int n = 1;
            for (PartPlan.Range r : plan.parts()) {
                assertEquals(n++, r.partNumber());
                assertEquals(next, r.start());
                assertTrue(r.length() <= plan.partSize());
                next = r.end() + 1;
            }
            assertEquals(size, next, "size " + size);
            assertTrue(plan.partCount() <= PartPlan.MAX_PARTS);
        }
    }

    @Test
    void smallSettingsExerciseDoublings() {
        // what the integration tests use: 5 MiB base, target 2 parts
        PartPlan.Settings small = new PartPlan.Settings(5 * MIB, 2, 512 * MIB);
        PartPlan plan = PartPlan.of(25 * MIB, small);
        // 5 -> 10 (3 parts > 2) -> 20 (2 parts): two doublings
        assertEquals(20 * MIB, plan.partSize());
        assertEquals(2, plan.partCount());
        assertEquals(5 * MIB, plan.parts().get(1).length());
    }

    @Test
    void emptyObjectIsOneEmptyPart() {
        PartPlan plan = PartPlan.of(0, PartPlan.BACKBEAT);
        assertEquals(1, plan.partCount());
        assertEquals(0, plan.parts().get(0).length());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PartPlan.of(-1, PartPlan.BACKBEAT));
        assertThrows(IllegalArgumentException.class, () -> new PartPlan.Settings(0, 1000, MIB));
        assertThrows(IllegalArgumentException.class, () -> new PartPlan.Settings(MIB, 10_001, MIB));
        assertThrows(IllegalArgumentException.class, () -> new PartPlan.Settings(2 * MIB, 1000, MIB));
    }
}
