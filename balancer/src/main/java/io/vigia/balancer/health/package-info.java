/**
 * Active HTTP health probes and the rise/fall thresholds that turn their results into UP and DOWN.
 *
 * <p>Probes run on the balancer's event loops with Netty's own HTTP client: no thread per probe and no
 * blocking call. Each backend's next probe is scheduled when the previous result arrives.
 */
package io.vigia.balancer.health;
