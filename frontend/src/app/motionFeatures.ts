/* Motion's animation features, loaded after first paint (LazyMotion): keeps them out of the
 * first download. */
import { domAnimation } from 'motion/react'

export default domAnimation
