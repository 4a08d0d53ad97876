import { Loading } from "@/components/shared/loading";

export default function DashboardLoading() {
  return <Loading />;
}
