package io.vigia.balancer.selection;

import java.util.Arrays;
import java.util.function.Function;

/**
 * One value per backend, indexed by {@link Backend#index()} and created on first use, so that a backend a
 * configuration reload adds gets its value like the ones configured at start.
 *
 * <p>The values live in an array that is copied whenever a value is added and published through a volatile
 * field. {@link #get} is therefore one volatile read and two checks, without lock or allocation, once the
 * backend has its value. Creating a value takes this object's lock and runs {@code factory} under it, at most
 * once per index. Values of backends that a reload removed stay until the balancer stops. Thread-safe.
 *
 * @param <T> the value type, which must be thread-safe itself when several event loops use it
 */
public final class PerBackend<T> {

    private final Function<Backend, T> factory;
    private volatile Object[] values = new Object[0];

    /** @param factory creates the value of a backend; called under this object's lock, so it must be quick */
    public PerBackend(Function<Backend, T> factory) {
        this.factory = factory;
    }

    /** Returns the value of {@code backend}, creating it first if it has none. */
    @SuppressWarnings("unchecked")
    public T get(Backend backend) {
        Object[] current = values;
        int index = backend.index();
        if (index < current.length) {
            Object value = current[index];
            if (value != null) {
                return (T) value;
            }
        }
        return create(backend);
    }

    @SuppressWarnings("unchecked")
    private synchronized T create(Backend backend) {
        Object[] current = values;
        int index = backend.index();
        if (index < current.length && current[index] != null) {
            return (T) current[index];
        }
        T value = factory.apply(backend);
        // A copy, never a write into the published array, so a reader sees each element fully built.
        Object[] grown = Arrays.copyOf(current, Math.max(current.length, index + 1));
        grown[index] = value;
        values = grown;
        return value;
    }
}
