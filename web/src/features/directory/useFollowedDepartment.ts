import type { DepartmentResponse } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { loadDepartment } from './api';
import { DetailsFollower } from './details-follower';

/**
 * The department page's details as they are now: `loaded` until the live door's `revision` says
 * they changed, then what a fresh read says (see details-follower.ts for when it reads).
 */
export function useFollowedDepartment(loaded: DepartmentResponse, revision: string | undefined): DepartmentResponse {
  const [fresh, setFresh] = useState<{ from: DepartmentResponse; details: DepartmentResponse } | null>(null);
  const follower = useRef<DetailsFollower<DepartmentResponse> | null>(null);
  const tenant = loaded.tenant.slug;
  const department = loaded.department.slug;

  useEffect(() => {
    const following = new DetailsFollower({
      shown: loaded.revision,
      read: (signal) => loadDepartment(tenant, department, signal),
      onRead: (details) => {
        setFresh({ from: loaded, details });
      },
    });
    follower.current = following;
    return () => {
      following.stop();
      follower.current = null;
    };
  }, [loaded, tenant, department]);

  // After the follower above (also when it was made anew for another `loaded`).
  useEffect(() => {
    follower.current?.seen(revision);
  }, [revision, loaded]);

  return fresh?.from === loaded ? fresh.details : loaded;
}
