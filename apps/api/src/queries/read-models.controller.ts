/**
 * Every GET of API.md's "Users and sessions", "Categories" and "Questions" sections, plus
 * the revisions of a post, answered from the MongoDB read models.
 */
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { notFound } from '@qa/domain';
import {
  ReadModelLocator,
  categoryTree,
  listQuestions,
  postRevisions,
  questionPage,
  reputation,
  topUsers,
  userProfile,
} from '@qa/read-models';
import { ZodQuery } from '../http/zod-validation.pipe';
import { questionListQuery, userListQuery, type QuestionListQueryDto, type UserListQueryDto } from './query.schemas';
import { WaitForPositionGuard } from './wait-for-position.guard';

const waitHeader = ApiHeader({
  name: 'X-Wait-For-Position',
  required: false,
  description: 'Answer once the read models have processed this commit position (up to 5 s, else 503 PROJECTION_BEHIND).',
});

@Controller('api/v1')
@UseGuards(WaitForPositionGuard)
@waitHeader
export class ReadModelsController {
  constructor(@Inject(ReadModelLocator) private readonly locator: ReadModelLocator) {}

  @Get('users')
  @ApiTags('users')
  @ApiOperation({ summary: 'Users by points, highest first' })
  async users(@ZodQuery(userListQuery) q: UserListQueryDto) {
    return topUsers(await this.locator.store(), q.page, q.pageSize);
  }

  @Get('users/:username')
  @ApiTags('users')
  @ApiOperation({ summary: 'A user profile with counts and points' })
  async user(@Param('username') username: string) {
    const profile = await userProfile(await this.locator.store(), username);
    if (!profile) throw notFound('USER_NOT_FOUND', `No user is named ${username}.`);
    return profile;
  }

  @Get('users/:username/reputation')
  @ApiTags('users')
  @ApiOperation({ summary: "Every change of a user's points with its cause" })
  async reputation(@Param('username') username: string) {
    const ledger = await reputation(await this.locator.store(), username);
    if (!ledger) throw notFound('USER_NOT_FOUND', `No user is named ${username}.`);
    return ledger;
  }

  @Get('categories')
  @ApiTags('categories')
  @ApiOperation({ summary: 'The category tree with question counts (sub-categories included)' })
  async categories() {
    return categoryTree(await this.locator.store());
  }

  @Get('questions')
  @ApiTags('questions')
  @ApiOperation({ summary: 'Questions: recent, hot, votes, answers or unanswered; by category (with sub-categories) and tag' })
  async questions(@ZodQuery(questionListQuery) q: QuestionListQueryDto) {
    return listQuestions(await this.locator.store(), q);
  }

  @Get('questions/:id')
  @ApiTags('questions')
  @ApiOperation({ summary: 'The question page: question, comments, answers (selected first, then votes, then oldest)' })
  async question(@Param('id') id: string) {
    const page = await questionPage(await this.locator.store(), id);
    if (!page) throw notFound('QUESTION_NOT_FOUND', `There is no question ${id}.`);
    return page;
  }

  @Get('posts/:id/revisions')
  @ApiTags('audit')
  @ApiOperation({ summary: 'Every revision of a question, answer or comment, oldest first' })
  async revisions(@Param('id') id: string) {
    const revisions = await postRevisions(await this.locator.store(), id);
    if (!revisions) throw notFound('POST_NOT_FOUND', `There is no post ${id}.`);
    return revisions;
  }
}
