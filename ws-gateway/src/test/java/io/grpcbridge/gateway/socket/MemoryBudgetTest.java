package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The gateway-wide budget: the largest holders leave first, and the total comes back under it. */
class MemoryBudgetTest {

    private final MemoryBudget budget = new MemoryBudget(1000);

    @Test
    void nobodyIsEvictedWithinTheBudget() {
        Holder a = new Holder();
        Holder b = new Holder();
        a.account.add(500);
        b.account.add(500);

        assertThat(budget.held()).isEqualTo(1000);
        assertThat(a.evictions.get() + b.evictions.get()).isZero();
    }

    @Test
    void passingTheBudgetEvictsTheLargestHoldersUntilTheOthersHoldAtMostThreeQuarters() {
        List<Holder> small = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Holder holder = new Holder();
            holder.account.add(100);
            small.add(holder);
        }
        Holder big = new Holder();
        big.account.add(400);
        Holder middle = new Holder();
        middle.account.add(200); // 1,100 in all: over the budget

        assertThat(big.evictions.get()).isEqualTo(1);
        // Without the big one: 700, within 750. Nobody else goes.
        assertThat(middle.evictions.get()).isZero();
        assertThat(small).allSatisfy(holder -> assertThat(holder.evictions.get()).isZero());
        assertThat(budget.evictions()).isEqualTo(1);
    }

    @Test
    void anEvictedHolderIsToldOnceAndItsBytesCountUntilItIsGone() {
        Holder big = new Holder();
        big.account.add(900);
        Holder other = new Holder();
        other.account.add(200);
        assertThat(big.evictions.get()).isEqualTo(1);
        assertThat(budget.held()).isEqualTo(1100);

        big.account.add(-100);
        big.account.add(50);
        assertThat(big.evictions.get()).isEqualTo(1);

        big.account.close();
        assertThat(budget.held()).isEqualTo(200);
        big.account.close();
        assertThat(budget.held()).isEqualTo(200);
    }

    @Test
    void othersAreNotEvictedToMakeRoomForWhatLeaversStillHold() {
        Holder leaver = new Holder();
        leaver.account.add(800);
        Holder second = new Holder();
        second.account.add(300); // 1,100: the leaver is chosen, and holds its 800 until it is gone
        assertThat(leaver.evictions.get()).isEqualTo(1);

        Holder third = new Holder();
        third.account.add(100); // 1,200 in all, but the others hold 400: within three quarters

        assertThat(second.evictions.get() + third.evictions.get()).isZero();
    }

    @Test
    void othersGrowingPastThreeQuartersWhileLeaversCloseEvictTheLargestOfThem() {
        Holder leaver = new Holder();
        leaver.account.add(800);
        Holder second = new Holder();
        second.account.add(300);
        Holder third = new Holder();

        third.account.add(500); // the others now hold 800, over 750: the largest of them goes

        assertThat(third.evictions.get()).isEqualTo(1);
        assertThat(second.evictions.get()).isZero();
    }

    @Test
    void bytesGivenBackLowerTheTotal() {
        Holder holder = new Holder();
        holder.account.add(600);
        holder.account.add(-600);

        assertThat(budget.held()).isZero();
        assertThat(holder.account.bytes()).isZero();
    }

    private final class Holder {
        final AtomicInteger evictions = new AtomicInteger();
        final MemoryBudget.Account account = budget.open(evictions::incrementAndGet);
    }
}
