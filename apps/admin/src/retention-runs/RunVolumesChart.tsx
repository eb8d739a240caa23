import { Card, CardContent, Typography } from '@mui/material';
import { useGetList } from 'react-admin';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

interface Run {
  id: string;
  createdAt: string;
  category: string;
  deleted: number;
  anonymised: number;
  skippedOnHold: number;
}

/** Volumes handled by the latest runs: deleted, anonymised and kept by holds. */
export const RunVolumesChart = () => {
  const { data = [] } = useGetList<Run>('retention-runs', { pagination: { page: 1, perPage: 30 }, sort: { field: 'createdAt', order: 'DESC' } });
  const points = [...data].reverse().map((r) => ({ name: `${r.category} ${new Date(r.createdAt).toLocaleDateString()}`, deleted: r.deleted, anonymised: r.anonymised, held: r.skippedOnHold }));
  return (
    <Card sx={{ mb: 2 }}>
      <CardContent>
        <Typography variant="h6" component="h2">
          Volumes of the latest runs
        </Typography>
        {points.length === 0 ? (
          <Typography color="text.secondary">No run yet.</Typography>
        ) : (
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={points}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="name" hide />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Bar dataKey="deleted" stackId="a" fill="#1976d2" />
              <Bar dataKey="anonymised" stackId="a" fill="#9c27b0" />
              <Bar dataKey="held" stackId="a" fill="#ed6c02" />
            </BarChart>
          </ResponsiveContainer>
        )}
      </CardContent>
    </Card>
  );
};
