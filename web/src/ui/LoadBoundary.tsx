import { Component, type ReactNode } from 'react';

interface LoadBoundaryProps {
  children: ReactNode;
  /** Shown in the children's place once one of them has failed. */
  fallback: ReactNode;
  /** The address: the children are tried again when it changes (another page opened). */
  at?: string;
}

/**
 * A part of the page that failed to render stands in for itself with `fallback`. What fails is
 * nearly always a chunk whose download was cut off (the network gone for a moment), and an error
 * no boundary catches makes React take the whole tree down: the page went white, header and
 * footer with it. Around the routed page (app/Layout.tsx: the page says it could not be loaded
 * whole), the footer's legal links and the waiting room's device check (left out). React has no
 * hook for this; a class it is.
 */
export class LoadBoundary extends Component<LoadBoundaryProps, { failed?: boolean; at?: string }> {
  override state: { failed?: boolean; at?: string } = {};

  static getDerivedStateFromError() {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: LoadBoundaryProps, state: { at?: string }) {
    return props.at === state.at ? null : { at: props.at, failed: false };
  }

  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
