"""Working groups: the proposal of who works in which group, from the registrations."""

from pipeline.groups.proposal import Assignment, GroupProposal, ProposedGroup, propose_groups
from pipeline.groups.report import describe_proposal, write_proposal_csv
from pipeline.groups.subjects import SubjectCluster, cluster_subjects

__all__ = [
    "Assignment",
    "GroupProposal",
    "ProposedGroup",
    "SubjectCluster",
    "cluster_subjects",
    "describe_proposal",
    "propose_groups",
    "write_proposal_csv",
]
