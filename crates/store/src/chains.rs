//! The industrial system: clusters, chains, chain maps, chain chiefs (链长) and owners (链主).

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;
use xinzhi_domain::CreditCode;

use crate::access::{Scope, push_scope};
use crate::model::*;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError};

fn cluster_from_row(row: &AnyRow) -> Result<Cluster, StoreError> {
    Ok(Cluster {
        cluster_id: ClusterId(row.try_get("cluster_id")?),
        code: row.try_get("code")?,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
        level: row.try_get("level")?,
    })
}

fn chain_from_row(row: &AnyRow) -> Result<Chain, StoreError> {
    Ok(Chain {
        chain_id: ChainId(row.try_get("chain_id")?),
        cluster_id: ClusterId(row.try_get("cluster_id")?),
        code: row.try_get("code")?,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
    })
}

fn member_from_row(row: &AnyRow) -> Result<SegmentMember, StoreError> {
    let code: String = row.try_get("credit_code")?;
    Ok(SegmentMember {
        credit_code: CreditCode::parse(&code).map_err(|_| corrupt("credit code", &code))?,
        name: row.try_get("name")?,
        above_scale: row.try_get::<i64, _>("above_scale")? != 0,
        chain_owner: row.try_get::<i64, _>("chain_owner")? != 0,
    })
}

/// Builds the segment tree from flat rows (parents before children by id).
fn build_tree(
    parent: Option<SegmentId>,
    segments: &[(SegmentId, Option<SegmentId>, Stage, String, String)],
    members: &mut HashMap<SegmentId, Vec<SegmentMember>>,
) -> Vec<SegmentNode> {
    let mut nodes: Vec<SegmentNode> = segments
        .iter()
        .filter(|(_, p, ..)| *p == parent)
        .map(|(id, _, stage, zh, en)| SegmentNode {
            segment_id: *id,
            stage: *stage,
            name_zh: zh.clone(),
            name_en: en.clone(),
            members: members.remove(id).unwrap_or_default(),
            children: build_tree(Some(*id), segments, members),
        })
        .collect();
    nodes.sort_by_key(|n| (n.stage, n.segment_id));
    nodes
}

impl Store {
    pub async fn insert_cluster(&self, cluster: &NewCluster, position: i64) -> Result<ClusterId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO clusters (code, name_zh, name_en, level, position) VALUES ($1, $2, $3, $4, $5) RETURNING cluster_id",
        )
        .bind(&cluster.code)
        .bind(&cluster.name_zh)
        .bind(&cluster.name_en)
        .bind(&cluster.level)
        .bind(position)
        .fetch_one(&self.pool)
        .await?;
        Ok(ClusterId(id))
    }

    pub async fn insert_chain(&self, chain: &NewChain, position: i64) -> Result<ChainId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO chains (cluster_id, code, name_zh, name_en, position) VALUES ($1, $2, $3, $4, $5) RETURNING chain_id",
        )
        .bind(chain.cluster_id.0)
        .bind(&chain.code)
        .bind(&chain.name_zh)
        .bind(&chain.name_en)
        .bind(position)
        .fetch_one(&self.pool)
        .await?;
        Ok(ChainId(id))
    }

    /// Adds a segment; a sub-segment must be on the same chain and stage as its parent.
    pub async fn insert_segment(&self, segment: &NewSegment, position: i64) -> Result<SegmentId, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(parent) = segment.parent_id {
            let row = sqlx::query("SELECT chain_id, stage FROM chain_segments WHERE segment_id = $1")
                .bind(parent.0)
                .fetch_one(&mut *tx)
                .await?;
            let (chain, stage): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
            if chain != segment.chain_id.0 || stage != segment.stage.as_str() {
                return Err(StoreError::Invalid("a sub-segment must share its parent's chain and stage".into()));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO chain_segments (chain_id, parent_id, stage, name_zh, name_en, position) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING segment_id",
        )
        .bind(segment.chain_id.0)
        .bind(segment.parent_id.map(|p| p.0))
        .bind(segment.stage.as_str())
        .bind(&segment.name_zh)
        .bind(&segment.name_en)
        .bind(position)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SegmentId(id))
    }

    pub async fn insert_chain_chief(&self, chain: ChainId, chief: &ChainChief) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO chain_chiefs (chain_id, name, title, appointed_on) VALUES ($1, $2, $3, $4)")
            .bind(chain.0)
            .bind(&chief.name)
            .bind(&chief.title)
            .bind(chief.appointed_on)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_chain_owner(
        &self,
        scope: &Scope,
        chain: ChainId,
        enterprise: EnterpriseId,
        designated_on: Option<i64>,
        authority: &str,
    ) -> Result<(), StoreError> {
        crate::enterprises::require_city(scope)?;
        sqlx::query(
            "INSERT INTO chain_owners (chain_id, enterprise_id, designated_on, authority) VALUES ($1, $2, $3, $4)",
        )
        .bind(chain.0)
        .bind(enterprise.0)
        .bind(designated_on)
        .bind(authority)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Clusters in their configured order, each with its chains.
    pub async fn list_clusters(&self) -> Result<Vec<(Cluster, Vec<Chain>)>, StoreError> {
        let clusters =
            sqlx::query("SELECT cluster_id, code, name_zh, name_en, level FROM clusters ORDER BY position, code")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(cluster_from_row)
                .collect::<Result<Vec<_>, _>>()?;
        let chains =
            sqlx::query("SELECT chain_id, cluster_id, code, name_zh, name_en FROM chains ORDER BY position, code")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(chain_from_row)
                .collect::<Result<Vec<_>, _>>()?;
        Ok(clusters
            .into_iter()
            .map(|cluster| {
                let own = chains.iter().filter(|c| c.cluster_id == cluster.cluster_id).cloned().collect();
                (cluster, own)
            })
            .collect())
    }

    /// A chain with its map: segments as a tree, each with the firms currently on it.
    /// Firms outside `scope` are left off the map; the chain itself is public.
    pub async fn chain_map(&self, scope: &Scope, code: &str) -> Result<ChainMap, StoreError> {
        let chain = chain_from_row(
            &sqlx::query("SELECT chain_id, cluster_id, code, name_zh, name_en FROM chains WHERE code = $1")
                .bind(code)
                .fetch_one(&self.pool)
                .await?,
        )?;
        let cluster = cluster_from_row(
            &sqlx::query("SELECT cluster_id, code, name_zh, name_en, level FROM clusters WHERE cluster_id = $1")
                .bind(chain.cluster_id.0)
                .fetch_one(&self.pool)
                .await?,
        )?;
        let chiefs = sqlx::query(
            "SELECT name, title, appointed_on FROM chain_chiefs WHERE chain_id = $1 ORDER BY chain_chief_id",
        )
        .bind(chain.chain_id.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| Ok(ChainChief { name: row.try_get(0)?, title: row.try_get(1)?, appointed_on: row.try_get(2)? }))
        .collect::<Result<Vec<_>, StoreError>>()?;

        let segments = sqlx::query(
            "SELECT segment_id, parent_id, stage, name_zh, name_en FROM chain_segments WHERE chain_id = $1 ORDER BY position, segment_id",
        )
        .bind(chain.chain_id.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            let stage: String = row.try_get("stage")?;
            Ok((
                SegmentId(row.try_get("segment_id")?),
                row.try_get::<Option<i64>, _>("parent_id")?.map(SegmentId),
                Stage::parse(&stage).ok_or_else(|| corrupt("stage", &stage))?,
                row.try_get("name_zh")?,
                row.try_get("name_en")?,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;

        let mut members_sql = Sql::new(
            self.backend,
            "SELECT m.segment_id, e.credit_code, e.name, \
             CASE WHEN EXISTS (SELECT 1 FROM memberships a WHERE a.enterprise_id = e.enterprise_id \
                  AND a.kind = 'above_scale' AND a.valid_to IS NULL) THEN 1 ELSE 0 END AS above_scale, \
             CASE WHEN o.enterprise_id IS NULL THEN 0 ELSE 1 END AS chain_owner \
             FROM memberships m JOIN chain_segments s ON s.segment_id = m.segment_id \
             JOIN enterprises e ON e.enterprise_id = m.enterprise_id \
             LEFT JOIN chain_owners o ON o.chain_id = s.chain_id AND o.enterprise_id = e.enterprise_id \
             WHERE m.kind = 'chain_segment' AND m.valid_to IS NULL AND s.chain_id = ",
        );
        members_sql.bind(chain.chain_id.0)?;
        push_scope(&mut members_sql, scope, "e.enterprise_id")?;
        members_sql.push(" ORDER BY chain_owner DESC, above_scale DESC, e.name");
        let member_rows = members_sql.query().fetch_all(&self.pool).await?;
        let mut members: HashMap<SegmentId, Vec<SegmentMember>> = HashMap::new();
        let mut enterprise_codes = std::collections::HashSet::new();
        for row in &member_rows {
            let member = member_from_row(row)?;
            enterprise_codes.insert(member.credit_code.clone());
            members.entry(SegmentId(row.try_get("segment_id")?)).or_default().push(member);
        }

        let mut owners_sql = Sql::new(
            self.backend,
            "SELECT e.credit_code, e.name, 1 AS chain_owner, \
             CASE WHEN EXISTS (SELECT 1 FROM memberships a WHERE a.enterprise_id = e.enterprise_id \
                  AND a.kind = 'above_scale' AND a.valid_to IS NULL) THEN 1 ELSE 0 END AS above_scale \
             FROM chain_owners o JOIN enterprises e ON e.enterprise_id = o.enterprise_id WHERE o.chain_id = ",
        );
        owners_sql.bind(chain.chain_id.0)?;
        push_scope(&mut owners_sql, scope, "e.enterprise_id")?;
        owners_sql.push(" ORDER BY e.name");
        let owners = owners_sql
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(member_from_row)
            .collect::<Result<Vec<_>, _>>()?;

        Ok(ChainMap {
            segments: build_tree(None, &segments, &mut members),
            enterprise_count: enterprise_codes.len() as i64,
            chain,
            cluster,
            chiefs,
            owners,
        })
    }
}
