package io.transferbench.api;

import java.util.List;

/**
 * Creates one kind of component from its descriptor parameters.
 *
 * <p>Implementations are service providers: they need a public no-argument constructor, must be
 * cheap to construct (the runtime instantiates every factory to list it) and must be stateless;
 * all state belongs in the component that {@link #create} returns.
 *
 * @param <T> the component type
 */
public interface ComponentFactory<T> {

    /** The id a descriptor names this component by: lowercase words joined by hyphens, e.g. {@code rule-5}. */
    String id();

    /** One sentence for {@code transferbench plugins} and the docs. */
    String description();

    /** The parameters a descriptor may set, with their types, defaults and ranges. Empty by default. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /**
     * Creates a component. The runtime has already checked every value against {@link #parameters()}
     * and filled in defaults; a factory that rejects a combination of values throws
     * {@link InvalidParameterException} via {@link ComponentParameters#invalid}.
     */
    T create(ComponentParameters parameters);
}
