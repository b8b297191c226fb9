"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect } from "react";
import { ROLE_LABEL } from "../_shared/domain";
import { Spinner } from "../_components/ui";
import { AlertCountBadge } from "../_components/care/care-bits";
import { useMe, useTRPC } from "../_lib/trpc";

const NAV = [
  { href: "/dashboard", label: "Dashboard", roles: ["ADMIN", "THERAPIST", "CLINICIAN"] },
  { href: "/patients", label: "Patients", roles: ["ADMIN", "THERAPIST", "CLINICIAN"] },
  { href: "/alerts", label: "Alerts", roles: ["ADMIN", "THERAPIST", "CLINICIAN"] },
  { href: "/lab", label: "Pose lab", roles: ["THERAPIST"] },
  { href: "/users", label: "Users", roles: ["ADMIN"] },
  { href: "/audit", label: "Audit trail", roles: ["ADMIN"] },
  { href: "/outbox", label: "Outbox", roles: ["ADMIN"] },
] as const;

export default function StaffLayout({ children }: { children: React.ReactNode }) {
  const { me, isLoading } = useMe();
  const router = useRouter();
  const pathname = usePathname();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        qc.clear();
        router.replace("/signin");
      },
    }),
  );
  useEffect(() => {
    if (!isLoading && me === null) router.replace(`/signin?next=${encodeURIComponent(pathname)}`);
    // The API refuses everything else until a temporary password is replaced (PASSWORD_CHANGE_REQUIRED).
    else if (me?.mustChangePassword && pathname !== "/account") router.replace("/account");
  }, [isLoading, me, pathname, router]);

  if (!me) return <Spinner label={isLoading ? "Loading…" : "Redirecting to sign in…"} />;
  const fullWidth = /^\/visits\/[^/]+\/room/.test(pathname);
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="no-print border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/dashboard" className="text-lg font-semibold text-brand-700">PoseVisit</Link>
          <nav aria-label="Main" className="flex flex-1 flex-wrap gap-1">
            {NAV.filter((n) => (n.roles as readonly string[]).includes(me.role)).map((n) => {
              const active = pathname === n.href || pathname.startsWith(n.href + "/");
              return (
                <Link key={n.href} href={n.href} aria-current={active ? "page" : undefined}
                  className={`rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100"}`}>
                  {n.label}
                  {n.href === "/alerts" && <AlertCountBadge />}
                </Link>
              );
            })}
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <Link href="/account" className="text-right leading-tight hover:underline">
              <span className="block font-medium">{me.name}</span>
              <span className="block text-xs text-slate-500">{ROLE_LABEL[me.role]}</span>
            </Link>
            <button type="button" onClick={() => signOut.mutate()} className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100">Sign out</button>
          </div>
        </div>
      </header>
      <main id="main" className={fullWidth ? "p-2" : "mx-auto max-w-7xl px-4 py-6"}>{children}</main>
    </div>
  );
}
