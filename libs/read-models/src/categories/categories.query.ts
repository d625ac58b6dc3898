/** The category tree, each node with its question count (sub-categories included). */
import type { CategoryDoc } from '../engine/read-model.documents';
import type { ReadModelStore } from '../engine/read-model.store';

export interface CategoryNode {
  id: string;
  name: string;
  slug: string;
  description: string;
  questionCount: number;
  children: CategoryNode[];
}

export async function categoryTree(store: ReadModelStore): Promise<CategoryNode[]> {
  // Categories are few (admins create them), so the whole set is one small read.
  const docs = await store.collection('categories').find({}).sort({ createdAt: 1, _id: 1 }).toArray();
  const nodes = new Map<string, CategoryNode>(
    docs.map((c: CategoryDoc) => [
      c._id,
      { id: c._id, name: c.name, slug: c.slug, description: c.description, questionCount: c.questionCount, children: [] },
    ]),
  );
  const roots: CategoryNode[] = [];
  for (const c of docs) {
    const parent = c.parentId ? nodes.get(c.parentId) : undefined;
    (parent ? parent.children : roots).push(nodes.get(c._id)!);
  }
  return roots;
}
